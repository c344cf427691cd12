/* fakecmis_query.h -- the subset of CMIS SQL the simulated repository answers:
 *   SELECT * | prop[, prop]... FROM sgd:radicado [WHERE cond [AND cond]...]
 *   [ORDER BY prop [ASC|DESC]]
 * with cond one of  prop = 'text' | prop <> 'text' | prop IN ('a', 'b') | prop op 12 |
 * prop op TIMESTAMP 'YYYY-MM-DDTHH:MM:SS.sssZ'  (op: = <> < <= > >=). Anything else is
 * refused, as invalidArgument. */
#ifndef FAKECMIS_QUERY_H
#define FAKECMIS_QUERY_H

#include <stddef.h>

#include "fakecmis_object.h"

#define FAKECMIS_QUERY_MAX_LEN 8192	/* bytes of a statement */
#define FAKECMIS_QUERY_MAX_TOKENS 2048	/* tokens of a statement */
#define FAKECMIS_QUERY_MAX_CONDS 32	/* conditions joined by AND */
#define FAKECMIS_QUERY_MAX_VALUES 256	/* values of one IN list */
#define FAKECMIS_QUERY_MAX_LITERAL 1024 /* bytes of one text literal */

enum fakecmis_query_op {
	FAKECMIS_OP_EQ,
	FAKECMIS_OP_NE,
	FAKECMIS_OP_LT,
	FAKECMIS_OP_LE,
	FAKECMIS_OP_GT,
	FAKECMIS_OP_GE,
	FAKECMIS_OP_IN
};

struct fakecmis_query_value {
	char *str; /* a text literal (owned), or NULL */
	long long num;
};

struct fakecmis_query_cond {
	enum fakecmis_prop prop;
	enum fakecmis_query_op op;
	size_t nvalues;
	struct fakecmis_query_value *values;
};

struct fakecmis_query {
	int all_columns;
	int columns[FP_COUNT]; /* when !all_columns: the properties selected, in order */
	size_t ncolumns;
	struct fakecmis_query_cond conds[FAKECMIS_QUERY_MAX_CONDS];
	size_t nconds;
	int order_prop; /* -1: no ORDER BY */
	int order_desc;
};

/* Parses statement into q (caller frees it with fakecmis_query_free, also after a failure).
 * Returns 0, or -1 with err saying why in English, as a server does. */
int fakecmis_query_parse(const char *statement, struct fakecmis_query *q, char *err, size_t errlen);
void fakecmis_query_free(struct fakecmis_query *q);
/* 1 when o (a filing) meets every condition of q, else 0. */
int fakecmis_query_match(const struct fakecmis_query *q, const struct fakecmis_object *o);
/* Order of two results: by q's ORDER BY, then by cmis:objectId. Returns <0, 0 or >0. */
int fakecmis_query_compare(const struct fakecmis_query *q, const struct fakecmis_object *a,
			   const struct fakecmis_object *b);

#endif
