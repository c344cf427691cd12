/* fakecmis_query.c -- a small tokenizer and a recursive-descent parser for the CMIS SQL subset,
 * type checks against the property table, and the evaluation of a parsed query on a filing. */
#include "fakecmis_query.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakecmis_time.h"
#include "util.h"

enum fakecmis_tok {
	TOK_END,
	TOK_IDENT,  /* a keyword or a name: letters, digits, _ : . */
	TOK_STRING, /* '...' with \' and \\ */
	TOK_NUMBER, /* [-]digits */
	TOK_STAR,
	TOK_COMMA,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_EQ,
	TOK_NE,
	TOK_LT,
	TOK_LE,
	TOK_GT,
	TOK_GE
};

struct fakecmis_token {
	enum fakecmis_tok kind;
	size_t pos; /* byte offset in the statement, for messages */
	char *text; /* IDENT and STRING (owned); NUMBER's digits */
	long long num;
};

struct fakecmis_parser {
	struct fakecmis_token *toks;
	size_t ntoks;
	size_t at;
	char *err;
	size_t errlen;
};

/* Words of CMIS SQL this simulator does not answer, named in the refusal. */
static const char *const fakecmis_query_unsupported[] = {
    "OR",   "NOT",   "LIKE",  "CONTAINS", "IN_FOLDER", "IN_TREE", "ANY",   "JOIN", "SCORE", "IS",
    "NULL", "UPPER", "LOWER", "AS",	  "INNER",     "LEFT",	  "OUTER", "TRUE", "FALSE", NULL};

static void fakecmis_query_free_tokens(struct fakecmis_token *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].text);
	free(t);
}

static int fakecmis_query_ident_char(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == ':' || c == '.');
}

/* Reads a text literal starting at the quote s[*i]; advances *i past it. Returns a new string
 * or NULL with err. */
static char *fakecmis_query_string(const char *s, size_t *i, char *err, size_t errlen)
{
	size_t start = *i;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "");
	for ((*i)++;; (*i)++) {
		char c = s[*i];

		if (c == '\0') {
			set_error(err, errlen, "unterminated string literal at position %zu",
				  start + 1);
			goto fail;
		}
		if (c == '\'')
			break;
		if (c == '\\') {
			char e = s[*i + 1];

			if (e != '\'' && e != '\\') {
				set_error(err, errlen,
					  "invalid escape \\%c at position %zu (only \\' and \\\\)",
					  e ? e : ' ', *i + 1);
				goto fail;
			}
			(*i)++;
			c = e;
		}
		if (b.len >= FAKECMIS_QUERY_MAX_LITERAL) {
			set_error(err, errlen, "string literal at position %zu exceeds %d bytes",
				  start + 1, FAKECMIS_QUERY_MAX_LITERAL);
			goto fail;
		}
		buf_append(&b, &c, 1);
	}
	(*i)++;
	return buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}

/* Splits s into tokens. Returns 0, or -1 with err. */
static int fakecmis_query_tokenize(const char *s, struct fakecmis_parser *p)
{
	size_t i = 0;

	p->toks = xcalloc(FAKECMIS_QUERY_MAX_TOKENS + 1, sizeof(*p->toks));
	for (;;) {
		struct fakecmis_token *t;

		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			i++;
		if (p->ntoks == FAKECMIS_QUERY_MAX_TOKENS) {
			set_error(p->err, p->errlen, "statement has more than %d tokens",
				  FAKECMIS_QUERY_MAX_TOKENS);
			return -1;
		}
		t = &p->toks[p->ntoks++];
		t->pos = i + 1;
		if (s[i] == '\0') {
			t->kind = TOK_END;
			return 0;
		}
		if (fakecmis_query_ident_char(s[i], 1)) {
			size_t start = i;

			while (fakecmis_query_ident_char(s[i], 0))
				i++;
			t->kind = TOK_IDENT;
			t->text = xstrndup(s + start, i - start);
			continue;
		}
		if ((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && s[i + 1] >= '0' && s[i + 1] <= '9')) {
			size_t start = i;
			long v;

			i++;
			while (s[i] >= '0' && s[i] <= '9')
				i++;
			t->kind = TOK_NUMBER;
			t->text = xstrndup(s + start, i - start);
			if (parse_long(t->text, -999999999999L, 999999999999L, &v) < 0) {
				set_error(p->err, p->errlen, "number out of range at position %zu",
					  t->pos);
				return -1;
			}
			t->num = v;
			continue;
		}
		if (s[i] == '\'') {
			t->kind = TOK_STRING;
			t->text = fakecmis_query_string(s, &i, p->err, p->errlen);
			if (t->text == NULL)
				return -1;
			continue;
		}
		switch (s[i]) {
		case '*':
			t->kind = TOK_STAR;
			break;
		case ',':
			t->kind = TOK_COMMA;
			break;
		case '(':
			t->kind = TOK_LPAREN;
			break;
		case ')':
			t->kind = TOK_RPAREN;
			break;
		case '=':
			t->kind = TOK_EQ;
			break;
		case '<':
			t->kind = s[i + 1] == '=' ? TOK_LE : s[i + 1] == '>' ? TOK_NE : TOK_LT;
			i += t->kind != TOK_LT;
			break;
		case '>':
			t->kind = s[i + 1] == '=' ? TOK_GE : TOK_GT;
			i += t->kind == TOK_GE;
			break;
		default:
			set_error(p->err, p->errlen, "unexpected character '%c' at position %zu",
				  (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?', i + 1);
			return -1;
		}
		i++;
	}
}

static const struct fakecmis_token *fakecmis_query_peek(const struct fakecmis_parser *p)
{
	return &p->toks[p->at];
}

static const struct fakecmis_token *fakecmis_query_next(struct fakecmis_parser *p)
{
	const struct fakecmis_token *t = &p->toks[p->at];

	if (t->kind != TOK_END)
		p->at++;
	return t;
}

static int fakecmis_query_is_word(const struct fakecmis_token *t, const char *word)
{
	return t->kind == TOK_IDENT && strcasecmp(t->text, word) == 0;
}

/* The unsupported keyword t is, or NULL. */
static const char *fakecmis_query_unsupported_word(const struct fakecmis_token *t)
{
	if (t->kind != TOK_IDENT)
		return NULL;
	for (size_t i = 0; fakecmis_query_unsupported[i] != NULL; i++) {
		if (strcasecmp(t->text, fakecmis_query_unsupported[i]) == 0)
			return fakecmis_query_unsupported[i];
	}
	return NULL;
}

/* Fails on an unsupported keyword (with its name) or on anything else unexpected. */
static int fakecmis_query_unexpected(struct fakecmis_parser *p, const struct fakecmis_token *t,
				     const char *wanted)
{
	const char *word = fakecmis_query_unsupported_word(t);

	if (word != NULL) {
		set_error(p->err, p->errlen,
			  "%s (position %zu) is not supported by this repository", word, t->pos);
		return -1;
	}
	if (t->kind == TOK_END)
		set_error(p->err, p->errlen, "unexpected end of statement: expected %s", wanted);
	else
		set_error(p->err, p->errlen, "syntax error at position %zu: expected %s", t->pos,
			  wanted);
	return -1;
}

static int fakecmis_query_expect_word(struct fakecmis_parser *p, const char *word)
{
	const struct fakecmis_token *t = fakecmis_query_next(p);

	if (!fakecmis_query_is_word(t, word))
		return fakecmis_query_unexpected(p, t, word);
	return 0;
}

/* Reads a property of sgd:radicado; for_where: it must be queryable. Returns it or -1. */
static int fakecmis_query_prop(struct fakecmis_parser *p, int for_where)
{
	const struct fakecmis_token *t = fakecmis_query_next(p);
	const struct fakecmis_propdef *d;
	int prop;

	if (t->kind != TOK_IDENT)
		return fakecmis_query_unexpected(p, t, "a property name");
	prop = fakecmis_prop_find(t->text);
	d = prop >= 0 ? fakecmis_prop_def((enum fakecmis_prop)prop) : NULL;
	if (fakecmis_query_unsupported_word(t) != NULL)
		return fakecmis_query_unexpected(p, t, "a property name");
	if (d == NULL || !(d->kinds & (1u << FAKECMIS_RADICADO))) {
		set_error(p->err, p->errlen,
			  "property '%.100s' (position %zu) is not defined for %s", t->text, t->pos,
			  FAKECMIS_TYPE_RADICADO);
		return -1;
	}
	if (for_where && !d->queryable) {
		set_error(p->err, p->errlen, "property %s (position %zu) is %s", d->id, t->pos,
			  d->multi ? "multi-valued: not supported in WHERE or ORDER BY here"
				   : "not queryable");
		return -1;
	}
	return prop;
}

/* Reads one literal of the property's type into v. */
static int fakecmis_query_literal(struct fakecmis_parser *p, const struct fakecmis_propdef *d,
				  struct fakecmis_query_value *v)
{
	const struct fakecmis_token *t = fakecmis_query_next(p);

	switch (d->type) {
	case FAKECMIS_PT_STRING:
	case FAKECMIS_PT_ID:
		if (t->kind != TOK_STRING)
			return fakecmis_query_unexpected(p, t, "a string literal");
		v->str = xstrdup(t->text);
		return 0;
	case FAKECMIS_PT_INTEGER:
		if (t->kind != TOK_NUMBER)
			return fakecmis_query_unexpected(p, t, "an integer literal");
		v->num = t->num;
		return 0;
	case FAKECMIS_PT_DATETIME:
		if (!fakecmis_query_is_word(t, "TIMESTAMP"))
			return fakecmis_query_unexpected(p, t,
							 "TIMESTAMP 'YYYY-MM-DDTHH:MM:SS.sssZ'");
		t = fakecmis_query_next(p);
		if (t->kind != TOK_STRING)
			return fakecmis_query_unexpected(p, t, "the TIMESTAMP's quoted value");
		if (fakecmis_time_parse_timestamp(t->text, &v->num) < 0) {
			set_error(p->err, p->errlen,
				  "invalid TIMESTAMP at position %zu: expected "
				  "YYYY-MM-DDTHH:MM:SS[.sss] and Z or +HH:MM",
				  t->pos);
			return -1;
		}
		return 0;
	case FAKECMIS_PT_BOOLEAN:
		break;
	}
	set_error(p->err, p->errlen, "property %s cannot be compared here", d->id);
	return -1;
}

static int fakecmis_query_cond(struct fakecmis_parser *p, struct fakecmis_query *q)
{
	struct fakecmis_query_cond *c = &q->conds[q->nconds];
	const struct fakecmis_propdef *d;
	const struct fakecmis_token *t;
	int prop;

	if (q->nconds == FAKECMIS_QUERY_MAX_CONDS) {
		set_error(p->err, p->errlen, "more than %d conditions", FAKECMIS_QUERY_MAX_CONDS);
		return -1;
	}
	prop = fakecmis_query_prop(p, 1);
	if (prop < 0)
		return -1;
	d = fakecmis_prop_def((enum fakecmis_prop)prop);
	c->prop = (enum fakecmis_prop)prop;
	c->values = xcalloc(FAKECMIS_QUERY_MAX_VALUES, sizeof(*c->values));
	q->nconds++;
	t = fakecmis_query_next(p);
	switch (t->kind) {
	case TOK_EQ:
		c->op = FAKECMIS_OP_EQ;
		break;
	case TOK_NE:
		c->op = FAKECMIS_OP_NE;
		break;
	case TOK_LT:
		c->op = FAKECMIS_OP_LT;
		break;
	case TOK_LE:
		c->op = FAKECMIS_OP_LE;
		break;
	case TOK_GT:
		c->op = FAKECMIS_OP_GT;
		break;
	case TOK_GE:
		c->op = FAKECMIS_OP_GE;
		break;
	default:
		if (!fakecmis_query_is_word(t, "IN"))
			return fakecmis_query_unexpected(p, t, "=, <>, <, <=, >, >= or IN");
		c->op = FAKECMIS_OP_IN;
		break;
	}
	if ((d->type == FAKECMIS_PT_STRING || d->type == FAKECMIS_PT_ID) &&
	    c->op != FAKECMIS_OP_EQ && c->op != FAKECMIS_OP_NE && c->op != FAKECMIS_OP_IN) {
		set_error(p->err, p->errlen,
			  "operator at position %zu: %s is a string; use =, <> or IN", t->pos,
			  d->id);
		return -1;
	}
	if (d->type == FAKECMIS_PT_DATETIME && c->op == FAKECMIS_OP_IN) {
		set_error(p->err, p->errlen, "IN at position %zu: not supported for datetime %s",
			  t->pos, d->id);
		return -1;
	}
	if (c->op != FAKECMIS_OP_IN) {
		c->nvalues = 1;
		return fakecmis_query_literal(p, d, &c->values[0]);
	}
	t = fakecmis_query_next(p);
	if (t->kind != TOK_LPAREN)
		return fakecmis_query_unexpected(p, t, "( after IN");
	for (;;) {
		if (c->nvalues == FAKECMIS_QUERY_MAX_VALUES) {
			set_error(p->err, p->errlen, "IN list longer than %d values",
				  FAKECMIS_QUERY_MAX_VALUES);
			return -1;
		}
		if (fakecmis_query_literal(p, d, &c->values[c->nvalues++]) < 0)
			return -1;
		t = fakecmis_query_next(p);
		if (t->kind == TOK_RPAREN)
			return 0;
		if (t->kind != TOK_COMMA)
			return fakecmis_query_unexpected(p, t, ", or )");
	}
}

static int fakecmis_query_select(struct fakecmis_parser *p, struct fakecmis_query *q)
{
	const struct fakecmis_token *t;

	if (fakecmis_query_expect_word(p, "SELECT") < 0)
		return -1;
	if (fakecmis_query_peek(p)->kind == TOK_STAR) {
		fakecmis_query_next(p);
		q->all_columns = 1;
		return 0;
	}
	for (;;) {
		int prop = fakecmis_query_prop(p, 0);

		if (prop < 0)
			return -1;
		for (size_t i = 0; i < q->ncolumns; i++) {
			if (q->columns[i] == prop) {
				set_error(p->err, p->errlen, "%s selected twice",
					  fakecmis_prop_def((enum fakecmis_prop)prop)->id);
				return -1;
			}
		}
		q->columns[q->ncolumns++] = prop;
		t = fakecmis_query_peek(p);
		if (t->kind != TOK_COMMA)
			return 0;
		fakecmis_query_next(p);
	}
}

static int fakecmis_query_from(struct fakecmis_parser *p)
{
	const struct fakecmis_token *t;

	if (fakecmis_query_expect_word(p, "FROM") < 0)
		return -1;
	t = fakecmis_query_next(p);
	if (t->kind != TOK_IDENT)
		return fakecmis_query_unexpected(p, t, "a type name");
	if (strcmp(t->text, FAKECMIS_TYPE_RADICADO) == 0)
		return 0;
	if (fakecmis_kind_named(t->text) >= 0)
		set_error(p->err, p->errlen,
			  "type %s is not queryable in this repository (only %s)", t->text,
			  FAKECMIS_TYPE_RADICADO);
	else
		set_error(p->err, p->errlen, "type '%.100s' (position %zu) is unknown", t->text,
			  t->pos);
	return -1;
}

static int fakecmis_query_rest(struct fakecmis_parser *p, struct fakecmis_query *q)
{
	const struct fakecmis_token *t = fakecmis_query_peek(p);

	if (fakecmis_query_is_word(t, "WHERE")) {
		fakecmis_query_next(p);
		for (;;) {
			if (fakecmis_query_cond(p, q) < 0)
				return -1;
			if (!fakecmis_query_is_word(fakecmis_query_peek(p), "AND"))
				break;
			fakecmis_query_next(p);
		}
		t = fakecmis_query_peek(p);
	}
	if (fakecmis_query_is_word(t, "ORDER")) {
		fakecmis_query_next(p);
		if (fakecmis_query_expect_word(p, "BY") < 0)
			return -1;
		q->order_prop = fakecmis_query_prop(p, 1);
		if (q->order_prop < 0)
			return -1;
		t = fakecmis_query_peek(p);
		if (fakecmis_query_is_word(t, "ASC") || fakecmis_query_is_word(t, "DESC")) {
			q->order_desc = fakecmis_query_is_word(t, "DESC");
			fakecmis_query_next(p);
		}
		t = fakecmis_query_peek(p);
	}
	if (t->kind != TOK_END)
		return fakecmis_query_unexpected(p, t, "WHERE, AND, ORDER BY or the end");
	return 0;
}

int fakecmis_query_parse(const char *statement, struct fakecmis_query *q, char *err, size_t errlen)
{
	struct fakecmis_parser p = {.err = err, .errlen = errlen};
	int rc = -1;

	memset(q, 0, sizeof(*q));
	q->order_prop = -1;
	if (strlen(statement) > FAKECMIS_QUERY_MAX_LEN) {
		set_error(err, errlen, "statement longer than %d bytes", FAKECMIS_QUERY_MAX_LEN);
		return -1;
	}
	if (fakecmis_query_tokenize(statement, &p) < 0)
		goto done;
	if (fakecmis_query_select(&p, q) < 0 || fakecmis_query_from(&p) < 0 ||
	    fakecmis_query_rest(&p, q) < 0)
		goto done;
	rc = 0;
done:
	fakecmis_query_free_tokens(p.toks, p.ntoks);
	return rc;
}

void fakecmis_query_free(struct fakecmis_query *q)
{
	for (size_t i = 0; i < q->nconds; i++) {
		for (size_t k = 0; k < q->conds[i].nvalues; k++)
			free(q->conds[i].values[k].str);
		free(q->conds[i].values);
	}
	q->nconds = 0;
}

/* Compares o's value of a condition's property with one literal: <0, 0, >0. */
static int fakecmis_query_cmp_value(const struct fakecmis_value *v, enum fakecmis_ptype type,
				    const struct fakecmis_query_value *lit)
{
	if (type == FAKECMIS_PT_STRING || type == FAKECMIS_PT_ID)
		return strcmp(v->str, lit->str);
	return v->num < lit->num ? -1 : v->num > lit->num;
}

int fakecmis_query_match(const struct fakecmis_query *q, const struct fakecmis_object *o)
{
	for (size_t i = 0; i < q->nconds; i++) {
		const struct fakecmis_query_cond *c = &q->conds[i];
		enum fakecmis_ptype type = fakecmis_prop_def(c->prop)->type;
		struct fakecmis_value v;
		int ok = 0;
		int cmp;

		fakecmis_object_value(o, c->prop, &v);
		if (v.null)
			return 0; /* SQL: a comparison with null is never true */
		if (c->op == FAKECMIS_OP_IN) {
			for (size_t k = 0; k < c->nvalues && !ok; k++)
				ok = fakecmis_query_cmp_value(&v, type, &c->values[k]) == 0;
			if (!ok)
				return 0;
			continue;
		}
		cmp = fakecmis_query_cmp_value(&v, type, &c->values[0]);
		switch (c->op) {
		case FAKECMIS_OP_EQ:
			ok = cmp == 0;
			break;
		case FAKECMIS_OP_NE:
			ok = cmp != 0;
			break;
		case FAKECMIS_OP_LT:
			ok = cmp < 0;
			break;
		case FAKECMIS_OP_LE:
			ok = cmp <= 0;
			break;
		case FAKECMIS_OP_GT:
			ok = cmp > 0;
			break;
		case FAKECMIS_OP_GE:
			ok = cmp >= 0;
			break;
		case FAKECMIS_OP_IN:
			break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

int fakecmis_query_compare(const struct fakecmis_query *q, const struct fakecmis_object *a,
			   const struct fakecmis_object *b)
{
	if (q->order_prop >= 0) {
		enum fakecmis_prop p = (enum fakecmis_prop)q->order_prop;
		enum fakecmis_ptype type = fakecmis_prop_def(p)->type;
		struct fakecmis_value va, vb;
		int c = 0;

		fakecmis_object_value(a, p, &va);
		fakecmis_object_value(b, p, &vb);
		if (va.null || vb.null)
			c = va.null == vb.null ? 0 : va.null ? -1 : 1; /* nulls first */
		else if (type == FAKECMIS_PT_STRING || type == FAKECMIS_PT_ID)
			c = strcmp(va.str, vb.str);
		else
			c = va.num < vb.num ? -1 : va.num > vb.num;
		if (c != 0)
			return q->order_desc ? -c : c;
	}
	return strcmp(a->id, b->id);
}
