/* store_views.c -- the read views: the filing list and one filing as JSON (built by
 * SQLite's json1 functions, so no row is copied twice), the lawyers' load, counts per
 * estado, and the rows indicators.c and export.c compute SLAs from. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "util.h"

/* The statements of this file with a fixed text, indexed by statement id; the others are
 * built: the filing's JSON from the follow-up columns, the list's and the SLA rows' per
 * query shape. */
static const char *const store_views_sql[STORE_STMT_COUNT] = {
    /* From the counters (migration 9): a lawyer without open filings has one row, its
     * estado null and its count 0. */
    [STORE_STMT_LAWYER_LOAD] =
	"SELECT u.id, u.nombre, u.rol, u.activo, u.creado, c.estado, c.tipo_tramite,"
	" coalesce(c.n, 0)"
	" FROM usuario u LEFT JOIN (SELECT abogado_id, estado, tipo_tramite, sum(n) AS n"
	"  FROM seguimiento_conteo WHERE estado IN ('repartido', 'en_revision', 'devuelto')"
	"  GROUP BY abogado_id, estado, tipo_tramite HAVING sum(n) > 0) c ON c.abogado_id = u.id"
	" WHERE u.rol = 'abogado'"
	" ORDER BY u.nombre, u.id, c.estado, c.tipo_tramite",
    [STORE_STMT_COUNT_BY_ESTADO] = "SELECT estado, count(*) FROM seguimiento GROUP BY estado",
    /* The expression of the index radicado_numero_clave. */
    [STORE_STMT_LIST_NUMBER] =
	"SELECT r.id, json_object('numero', r.numero, 'estado', s.estado, 'abogado', u.nombre)"
	" FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
	" LEFT JOIN usuario u ON u.id = s.abogado_id"
	" WHERE upper(replace(replace(r.numero, ' ', ''), '-', '')) = ?1 ORDER BY r.id LIMIT 1",
    [STORE_STMT_SLA_SUBJECT] = "SELECT asunto FROM radicado WHERE id = ?1",
    [STORE_STMT_SLA_TOTAL] = "SELECT coalesce(sum(n), 0) FROM seguimiento_conteo",
};

static sqlite3_stmt *store_views_stmt(struct store *s, enum store_stmt_id id)
{
	return store_stmt(s, id, store_views_sql[id], STORE_PREPARE_ERROR);
}

int store_filings_count(struct store *s, long long *n)
{
	sqlite3_stmt *st = store_views_stmt(s, STORE_STMT_SLA_TOTAL);

	if (store_row(s, st, "no se pudieron contar los seguimientos") != 1)
		return -1;
	*n = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return 0;
}

/* ---- The filing list */

/* ORDER BY one member of the row's stored SLA block (store_sla.c, fresh for the list's day:
 * store_sla_fresh ran first), then the oldest filing first; nulls (no clock) become last,
 * whichever the direction. */
#define STORE_VIEWS_SLA_ORDER(column, last, dir)                                                   \
	"coalesce(s." column ", " last ")" dir ", s.fecha_radicacion, s.radicado_id"

/* The list's sort orders: name, ORDER BY text (ties broken by the row id) and the index that
 * holds those terms with the filters' columns (migration 14: store_views_plan walks it). */
static const struct {
	const char *name;
	const char *sql;
	const char *index;
} store_list_orders[STORE_ORDER_COUNT] = {
    [STORE_ORDER_FECHA_DESC] = {"-fecha", "s.fecha_radicacion DESC, s.radicado_id DESC",
				"seguimiento_orden_fecha"},
    [STORE_ORDER_FECHA] = {"fecha", "s.fecha_radicacion, s.radicado_id", "seguimiento_orden_fecha"},
    /* the follow-up row's copy of radicado.numero (migration 14 keeps it) */
    [STORE_ORDER_NUMERO] = {"numero", "s.numero", "seguimiento_orden_numero"},
    [STORE_ORDER_NUMERO_DESC] = {"-numero", "s.numero DESC", "seguimiento_orden_numero"},
    [STORE_ORDER_ESTADO] = {"estado", "s.estado, s.fecha_radicacion DESC, s.radicado_id DESC",
			    "seguimiento_orden_estado"},
    [STORE_ORDER_ESTADO_DESC] = {"-estado",
				 "s.estado DESC, s.fecha_radicacion DESC, s.radicado_id DESC",
				 "seguimiento_orden_estado_desc"},
    [STORE_ORDER_TIPO_TRAMITE] = {"tipo_tramite",
				  "s.tipo_tramite, s.fecha_radicacion DESC, s.radicado_id DESC",
				  "seguimiento_orden_tipo"},
    [STORE_ORDER_TIPO_TRAMITE_DESC] = {"-tipo_tramite",
				       "s.tipo_tramite DESC,"
				       " s.fecha_radicacion DESC, s.radicado_id DESC",
				       "seguimiento_orden_tipo_desc"},
    [STORE_ORDER_FECHA_REPARTO] = {"fecha_reparto",
				   "s.fecha_reparto IS NULL, s.fecha_reparto, s.radicado_id",
				   "seguimiento_orden_reparto"},
    [STORE_ORDER_FECHA_REPARTO_DESC] = {"-fecha_reparto",
					"s.fecha_reparto IS NULL,"
					" s.fecha_reparto DESC, s.radicado_id DESC",
					"seguimiento_orden_reparto_desc"},
    /* By the SLA block the row shows (its stored copy); filings without one (unassigned:
     * no fecha límite) last. */
    [STORE_ORDER_FECHA_LIMITE] = {"fecha_limite",
				  STORE_VIEWS_SLA_ORDER("sla_fecha_limite", "'9999-12-31'", ""),
				  "seguimiento_orden_limite"},
    [STORE_ORDER_FECHA_LIMITE_DESC] = {"-fecha_limite",
				       STORE_VIEWS_SLA_ORDER("sla_fecha_limite", "''", " DESC"),
				       "seguimiento_orden_limite_desc"},
    [STORE_ORDER_DIAS_RESTANTES] = {"dias_restantes",
				    STORE_VIEWS_SLA_ORDER("sla_dias_restantes", "1e18", ""),
				    "seguimiento_orden_restantes"},
    [STORE_ORDER_DIAS_RESTANTES_DESC] = {"-dias_restantes",
					 STORE_VIEWS_SLA_ORDER("sla_dias_restantes", "-1e18",
							       " DESC"),
					 "seguimiento_orden_restantes_desc"},
};

/* The block a row shows at instant now (a parameter) of day today (a parameter): the stored
 * one when it is fresh, else worked out (a row its transaction marked, or another day's)
 * for the filing whose number is numero. */
#define STORE_VIEWS_SLA_SHOWN(today, now, numero)                                                  \
	"CASE WHEN s.sla_dia = '9999-12-31' OR s.sla_dia = " today " THEN s.sla"                   \
	" ELSE json(segcont_sla(" numero ", " now ")) END"

/* The filing's: at the current time (NULL) of day ?2. */
#define STORE_VIEWS_FILING_SLA STORE_VIEWS_SLA_SHOWN("?2", "NULL", "r.numero")

/* One list row: what a list view shows; the sender (personal data) and the rest of the
 * follow-up come with the filing itself (GET /api/radicados/{numero}). Two columns: the row
 * without its "sla", kept on the follow-up row (seguimiento.fila, migration 9: a JSON
 * object), so the page reads neither the filing nor the lawyer; and the block it shows,
 * which store_views_page_row puts last in it. A stored block is JSON as json() gives it
 * (store_sla.c saves segcont_sla's text); one worked out here goes through json(). */
#define STORE_VIEWS_LIST_NUMERO "(SELECT numero FROM radicado WHERE id = s.radicado_id)"
#define STORE_VIEWS_LIST_ROW "s.fila, " STORE_VIEWS_SLA_SHOWN("?25", "?17", STORE_VIEWS_LIST_NUMERO)

/* The list's optional filters: their conditions in the order of their parameters (?1..?9,
 * some unused) and of their bits in the shape key, and the tables each reads (1: seguimiento, 2:
 * radicado). */
#define STORE_VIEWS_NFILTERS 9
#define STORE_VIEWS_DESDE 3 /* the date range's filters */
#define STORE_VIEWS_HASTA 4
#define STORE_VIEWS_OPEN_IN "IN ('repartido', 'en_revision', 'devuelto')"
#define STORE_VIEWS_OPEN "s.estado " STORE_VIEWS_OPEN_IN
/* Filters 6 and 8 (abiertos, legalización) have no parameter: their presence shapes the
 * SQL, and their text is the one of the partial indexes that serve them (migration 11).
 * counted: the condition on the counters (aliased s: seguimiento_conteo, or under a date
 * range seguimiento_conteo_dia, which counts by nothing else) for a count from them, NULL
 * for a filter they do not count by. */
static const struct {
	const char *sql;
	int tables;
	const char *counted;
	int ordered; /* 1: the order indexes (migration 14) hold its columns */
} store_views_filters[STORE_VIEWS_NFILTERS] = {
    {"s.estado = ?1", 1, "s.estado = ?1", 1},
    {"s.abogado_id = ?2", 1, "s.abogado_id = ?2", 1},
    {"s.tipo_tramite = ?3", 1, "s.tipo_tramite = ?3", 1},
    /* The follow-up's copy of the date (its indexes serve the orders). */
    {"s.fecha_radicacion >= ?4", 1, "s.dia >= ?4", 1},
    {"s.fecha_radicacion < ?5", 1, "s.dia < ?5", 1},
    {"s.radicado_id IN (SELECT value FROM json_each(?6))", 1, NULL, 0},
    {STORE_VIEWS_OPEN, 1, STORE_VIEWS_OPEN, 1},
    /* The SLA state as the row's stored block says (store_sla_fresh ran first). */
    {"(" STORE_VIEWS_OPEN " AND s.sla_estado = ?8)", 1,
     "(" STORE_VIEWS_OPEN " AND s.sla_estado = ?8)", 1},
    {"(coalesce(s.numero_contrato, '') <> '' AND (s.fecha_rp IS NULL"
     " OR s.fecha_aprobacion_garantias IS NULL OR s.fecha_arl IS NULL"
     " OR s.fecha_acta_inicio IS NULL OR coalesce(s.publicado_secop, 0) <> 1))",
     1, "s.legalizacion = 1", 0},
};

/* Filter i's value in q: kind STORE_VAL_NULL when q does not filter by it. */
static struct store_val store_views_filter(const struct store_list_query *q, int i)
{
	switch (i) {
	case 0:
		return store_text(q->estado);
	case 1:
		return store_id(q->abogado_id);
	case 2:
		return store_text(q->tipo_tramite);
	case 3:
		return store_text(q->desde);
	case 4:
		return store_text(q->hasta_excl);
	case 5:
		return store_text(q->ids_json);
	case 6:
		return q->abiertos ? store_int(1) : store_text(NULL);
	case 7:
		return store_text(q->semaforo);
	default:
		return q->legalizacion_pendiente ? store_int(1) : store_text(NULL);
	}
}

/* The SQL LIKE parameters of the q words start here; limit and offset follow them. */
#define STORE_VIEWS_PARAM_TERMS 10
#define STORE_VIEWS_PARAM_LIMIT (STORE_VIEWS_PARAM_TERMS + STORE_LIST_MAX_TERMS)
#define STORE_VIEWS_PARAM_OFFSET (STORE_VIEWS_PARAM_LIMIT + 1)
#define STORE_VIEWS_PARAM_NOW (STORE_VIEWS_PARAM_OFFSET + 1) /* ?17 in STORE_VIEWS_LIST_ROW */
_Static_assert(STORE_VIEWS_PARAM_NOW == 17, "STORE_VIEWS_LIST_ROW and the SLA orders name ?17");
/* The FTS5 queries of the q words, then the filing a membership test asks about. */
#define STORE_VIEWS_PARAM_FTS (STORE_VIEWS_PARAM_NOW + 1)
#define STORE_VIEWS_PARAM_MEMBER (STORE_VIEWS_PARAM_FTS + STORE_LIST_MAX_TERMS)
#define STORE_VIEWS_PARAM_NUMBER (STORE_VIEWS_PARAM_MEMBER + 1) /* q as a number's key */
#define STORE_VIEWS_PARAM_TODAY (STORE_VIEWS_PARAM_NUMBER + 1)	/* ?25: the day of ?17 */
_Static_assert(STORE_VIEWS_PARAM_TODAY == 25, "STORE_VIEWS_LIST_ROW names ?25");
#define STORE_VIEWS_NUMBER_MAX 64 /* bytes of a number typed in q, separators removed */

/* The q words: each one's LIKE pattern and FTS5 query; and q as a filing number's key
 * (when it reads as one), which the list finds as well as the words. */
struct store_views_words {
	struct buf like[STORE_LIST_MAX_TERMS];
	struct buf fts[STORE_LIST_MAX_TERMS];
	int n;
	int is_number;
	char number[STORE_VIEWS_NUMBER_MAX + 1];
};

int store_list_order_parse(const char *name)
{
	for (int i = 0; i < STORE_ORDER_COUNT; i++) {
		if (strcmp(store_list_orders[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* Appends the LIKE pattern of one folded word ("%word%", with % _ \ escaped). */
static void store_views_like(struct buf *b, const char *word, size_t n)
{
	buf_puts(b, "%");
	for (size_t i = 0; i < n; i++) {
		if (word[i] == '%' || word[i] == '_' || word[i] == '\\')
			buf_puts(b, "\\");
		buf_append(b, word + i, 1);
	}
	buf_puts(b, "%");
}

/* The key of q when it reads as a filing number: letters and digits (one at least) with
 * spaces or dashes between them, which are dropped, letters in capitals (the expression
 * of the index radicado_numero_clave). Returns 1 with key, or 0. */
static int store_views_number_key(const char *q, char key[STORE_VIEWS_NUMBER_MAX + 1])
{
	size_t n = 0;
	int digits = 0;

	for (const char *p = q; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
		if (n == STORE_VIEWS_NUMBER_MAX)
			return 0;
		digits += c >= '0' && c <= '9';
		key[n++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	key[n] = '\0';
	return digits > 0;
}

/* Appends the FTS5 query of one folded word: the word as one quoted phrase (a " doubled)
 * whose last token may be a prefix, so nothing a user types (", *, NEAR, -, parentheses)
 * is FTS5 syntax. A word without any token is an empty phrase, which matches nothing. */
static void store_views_fts(struct buf *b, const char *word, size_t n)
{
	buf_puts(b, "\"");
	for (size_t i = 0; i < n; i++) {
		if (word[i] == '"')
			buf_puts(b, "\"");
		buf_append(b, word + i, 1);
	}
	buf_puts(b, "\"*");
}

/* Splits folded q into at most STORE_LIST_MAX_TERMS words into w. Cannot fail. */
static void store_views_terms(const char *q, struct store_views_words *w)
{
	char *folded;
	const char *p;

	w->n = 0;
	w->is_number = 0;
	if (q == NULL)
		return;
	w->is_number = store_views_number_key(q, w->number);
	folded = classify_fold(q);
	p = folded;
	while (*p != '\0' && w->n < STORE_LIST_MAX_TERMS) {
		size_t len;

		p += strspn(p, " \t\r\n");
		len = strcspn(p, " \t\r\n");
		if (len == 0)
			break;
		buf_init(&w->like[w->n]);
		store_views_like(&w->like[w->n], p, len);
		buf_init(&w->fts[w->n]);
		store_views_fts(&w->fts[w->n], p, len);
		w->n++;
		p += len;
	}
	free(folded);
}

static void store_views_words_free(struct store_views_words *w)
{
	for (int i = 0; i < w->n; i++) {
		buf_free(&w->like[i]);
		buf_free(&w->fts[i]);
	}
	w->n = 0;
}

/* The shape of a list query: which filters are present, how many words, which order. */
static int store_views_shape_key(const struct store_list_query *q,
				 const struct store_views_words *w)
{
	int key = 0;

	for (int i = 0; i < STORE_VIEWS_NFILTERS; i++) {
		if (store_views_filter(q, i).kind != STORE_VAL_NULL)
			key |= 1 << i;
	}
	return key | w->n << STORE_VIEWS_NFILTERS |
	       (w->n > 0 && w->is_number) << (STORE_VIEWS_NFILTERS + 3) |
	       (int)q->orden << (STORE_VIEWS_NFILTERS + 4);
}

/* Appends the WHERE clause of a shape ("" without filters); *uses_s and *uses_r say
 * whether it reads seguimiento and radicado columns. */
static void store_views_where(const struct store_list_query *q, const struct store_views_words *w,
			      struct buf *b, int *uses_s, int *uses_r)
{
	const char *and = " WHERE ";

	*uses_s = 0;
	*uses_r = w->n > 0;
	buf_puts(b, ""); /* b->data is a string even without filters */
	for (int i = 0; i < STORE_VIEWS_NFILTERS; i++) {
		if (store_views_filter(q, i).kind == STORE_VAL_NULL)
			continue;
		buf_printf(b, "%s%s", and, store_views_filters[i].sql);
		and = " AND ";
		*uses_s |= (store_views_filters[i].tables & 1) != 0;
		*uses_r |= (store_views_filters[i].tables & 2) != 0;
	}
	if (w->n == 0)
		return;
	/* Every word, or the number typed whole. */
	buf_printf(b, "%s(", and);
	and = w->is_number ? "((" : "(";
	for (int i = 0; i < w->n; i++) {
		buf_printf(b,
			   "%s(r.asunto_busqueda LIKE ?%d ESCAPE '\\'"
			   " OR r.numero LIKE ?%d ESCAPE '\\' OR r.id IN (SELECT rowid FROM"
			   " seguimiento_texto WHERE seguimiento_texto MATCH ?%d))",
			   and, STORE_VIEWS_PARAM_TERMS + i, STORE_VIEWS_PARAM_TERMS + i,
			   STORE_VIEWS_PARAM_FTS + i);
		and = " AND ";
	}
	if (w->is_number)
		buf_printf(b, ") OR upper(replace(replace(r.numero, ' ', ''), '-', '')) = ?%d",
			   STORE_VIEWS_PARAM_NUMBER);
	buf_puts(b, "))");
}

/* Whether q filters by a date range (then only seguimiento_conteo_dia counts it). */
static int store_views_dated(const struct store_list_query *q)
{
	return q->desde != NULL || q->hasta_excl != NULL;
}

/* Appends the WHERE clause of a shape on its counters ("" without filters) and returns 1
 * when they count by every filter the shape has; else 0. */
static int store_views_counted(const struct store_list_query *q, const struct store_views_words *w,
			       struct buf *b)
{
	const char *and = " WHERE ";

	buf_puts(b, "");
	if (w->n > 0)
		return 0;
	for (int i = 0; i < STORE_VIEWS_NFILTERS; i++) {
		if (store_views_filter(q, i).kind == STORE_VAL_NULL)
			continue;
		if (store_views_filters[i].counted == NULL ||
		    (store_views_dated(q) && i != STORE_VIEWS_DESDE && i != STORE_VIEWS_HASTA))
			return 0;
		buf_printf(b, "%s%s", and, store_views_filters[i].counted);
		and = " AND ";
	}
	return 1;
}

/* A list query, its number of words and which of its statements to build. */
struct store_views_shape {
	const struct store_list_query *q;
	const struct store_views_words *w;
	int page; /* 0: the count, 1: the page, 2: whether one filing is in the list */
	int plan; /* of the page: enum store_views_plan */
};

/* How a list's page is read (migration 14). AS_IS: as SQLite plans it. When that plan sorts
 * every row the filters select (the filter's index does not hold the order: estado=concluido
 * by tipo_tramite sorted 90,000 rows for 50), or walks an index in the order reading every
 * row's filters (store_views_sorts), and the order has an index of its own that holds the
 * filters' columns: WALK it in the order, each filter read from its entries, when enough
 * rows match (STORE_VIEWS_WALKS: a page reads about 50 × filings / matches entries of it,
 * cheap ones, where sorting reads every match's row), else SORT the few from the filter's
 * own index, the order's terms kept off every index. */
enum store_views_plan { STORE_VIEWS_PLAN_AS_IS, STORE_VIEWS_PLAN_WALK, STORE_VIEWS_PLAN_SORT };
/* Walking beats sorting when matches² > 2 × filings (at 100,000 filings, more than ~450
 * matches: a lawyer's 1,491 open ones by tipo_tramite, 12 ms sorted, 1 ms walked). */
#define STORE_VIEWS_WALKS(matches, filings) ((double)(matches) * (matches) > 2.0 * (filings))
#define STORE_VIEWS_PLAN_SHIFT (STORE_VIEWS_NFILTERS + 8) /* in a page's key */

/* Appends order (comma-separated terms, each maybe " DESC") with every term as +(term): the
 * same order, that no index can give (the unary + is a no-op on any value). */
static void store_views_unindexed(struct buf *b, const char *order)
{
	const char *p = order;

	while (*p != '\0') {
		const char *start = p;
		int depth = 0;
		size_t len;

		while (*p != '\0' && (depth > 0 || *p != ',')) {
			depth += (*p == '(') - (*p == ')');
			p++;
		}
		len = (size_t)(p - start);
		if (len > 5 && strncmp(p - 5, " DESC", 5) == 0)
			buf_printf(b, "+(%.*s) DESC", (int)(len - 5), start);
		else
			buf_printf(b, "+(%.*s)", (int)len, start);
		if (*p == ',') {
			buf_puts(b, ",");
			p++;
		}
	}
}

/* The SQL of a list shape's count or page (arg: struct store_views_shape). A new string. */
static char *store_views_list_sql(const void *arg)
{
	const struct store_views_shape *sh = arg;
	struct buf where;
	struct buf sql;
	int uses_s;
	int uses_r;

	buf_init(&where);
	buf_init(&sql);
	/* A count by the counters' dimensions only reads them (migrations 9 and 11). */
	if (sh->page == 0 && store_views_counted(sh->q, sh->w, &where)) {
		buf_printf(&sql, "SELECT coalesce(sum(n), 0) FROM %s s%s",
			   store_views_dated(sh->q) ? "seguimiento_conteo_dia"
						    : "seguimiento_conteo",
			   where.data);
		buf_free(&where);
		return buf_steal(&sql);
	}
	buf_reset(&where);
	store_views_where(sh->q, sh->w, &where, &uses_s, &uses_r);
	/* Count from the one table the filters need (each filing has exactly one follow-up),
	 * joining only when they need both. */
	if (sh->page == 2)
		buf_printf(&sql,
			   "SELECT count(*) FROM radicado r JOIN seguimiento s"
			   " ON s.radicado_id = r.id WHERE r.id = ?%d%s%s%s",
			   STORE_VIEWS_PARAM_MEMBER, where.len > 0 ? " AND (" : "",
			   where.len > 0 ? where.data + strlen(" WHERE ") : "",
			   where.len > 0 ? ")" : "");
	else if (sh->page) {
		buf_puts(&sql, "SELECT " STORE_VIEWS_LIST_ROW " FROM seguimiento s");
		if (sh->plan == STORE_VIEWS_PLAN_WALK)
			buf_printf(&sql, " INDEXED BY %s", store_list_orders[sh->q->orden].index);
		if (uses_r)
			buf_puts(&sql, " JOIN radicado r ON r.id = s.radicado_id");
		buf_printf(&sql, "%s ORDER BY ", where.data);
		if (sh->plan == STORE_VIEWS_PLAN_SORT)
			store_views_unindexed(&sql, store_list_orders[sh->q->orden].sql);
		else
			buf_puts(&sql, store_list_orders[sh->q->orden].sql);
		buf_printf(&sql, " LIMIT ?%d OFFSET ?%d", STORE_VIEWS_PARAM_LIMIT,
			   STORE_VIEWS_PARAM_OFFSET);
	} else if (uses_s && uses_r)
		buf_printf(&sql,
			   "SELECT count(*) FROM seguimiento s JOIN radicado r"
			   " ON r.id = s.radicado_id%s",
			   where.data);
	else
		buf_printf(&sql, "SELECT count(*) FROM %s%s",
			   uses_s ? "seguimiento s" : "radicado r", where.data);
	buf_free(&where);
	return buf_steal(&sql);
}

/* Binds the filters present in q to st (count or page statement). 0 or -1 (st readied). */
static int store_views_bind_filters(struct store *s, sqlite3_stmt *st,
				    const struct store_list_query *q,
				    const struct store_views_words *w)
{
	for (int i = 0; i < STORE_VIEWS_NFILTERS; i++) {
		struct store_val v = store_views_filter(q, i);

		/* A filter without a parameter (abiertos, legalización) only shapes the SQL. */
		if (v.kind != STORE_VAL_NULL && strchr(store_views_filters[i].sql, '?') != NULL &&
		    store_bind_at(s, st, i + 1, v) < 0)
			return -1;
	}
	for (int i = 0; i < w->n; i++) {
		if (store_bind_at(s, st, STORE_VIEWS_PARAM_TERMS + i, store_text(w->like[i].data)) <
			0 ||
		    store_bind_at(s, st, STORE_VIEWS_PARAM_FTS + i, store_text(w->fts[i].data)) < 0)
			return -1;
	}
	if (w->n > 0 && w->is_number &&
	    store_bind_at(s, st, STORE_VIEWS_PARAM_NUMBER, store_text(w->number)) < 0)
		return -1;
	return 0;
}

struct store_views_page_each {
	struct buf *out;
	int first;
};

/* Appends one list row (JSON text) to the array being written: the kept row with "sla"
 * (its block, or null) as its last member. */
static int store_views_page_row(sqlite3_stmt *st, void *arg)
{
	struct store_views_page_each *e = arg;
	const char *row = (const char *)sqlite3_column_text(st, 0);
	int n = sqlite3_column_bytes(st, 0);
	const char *sla = (const char *)sqlite3_column_text(st, 1);
	int m = sqlite3_column_bytes(st, 1);

	if (!e->first)
		buf_puts(e->out, ",");
	e->first = 0;
	if (row == NULL || n < 2) {
		buf_puts(e->out, "null");
		return 0;
	}
	/* json_object's text ends with its closing brace. */
	buf_append(e->out, row, (size_t)n - 1);
	buf_puts(e->out, ",\"sla\":");
	buf_append(e->out, sla != NULL ? sla : "null", sla != NULL ? (size_t)m : 4);
	buf_puts(e->out, "}");
	return 0;
}

/* Whether q's page can be walked in an order index (store_views_plan): its order has one,
 * and it has filters, each held by it (no words). */
static int store_views_walkable(const struct store_list_query *q, const struct store_views_words *w)
{
	int any = 0;

	if (store_list_orders[q->orden].index == NULL || w->n > 0)
		return 0;
	for (int i = 0; i < STORE_VIEWS_NFILTERS; i++) {
		if (store_views_filter(q, i).kind == STORE_VAL_NULL)
			continue;
		if (!store_views_filters[i].ordered)
			return 0;
		any = 1;
	}
	return any;
}

/* Whether SQLite's own plan of the page of shape sh (key: its key) sorts the rows the
 * filters select, or walks an index in the order without searching by any filter (at
 * 100,000 filings estado=recibido by fecha_limite walked seguimiento_limite to its end, where
 * the unassigned are: 210 ms): asked once per shape and connection (EXPLAIN QUERY PLAN),
 * kept in s->list_sorts. A plan that cannot be asked counts as neither (the page's own
 * prepare then says what is wrong). */
static int store_views_sorts(struct store *s, const struct store_views_shape *sh, int key)
{
	struct store_list_sorts *slot;
	sqlite3_stmt *st = NULL;
	struct buf b;
	char *sql;
	int sorts = 0;

	for (int i = 0; i < STORE_LIST_SHAPES; i++) {
		if (s->list_sorts[i].sorts != 0 && s->list_sorts[i].key == key)
			return s->list_sorts[i].sorts == 2;
	}
	sql = store_views_list_sql(sh);
	buf_init(&b);
	buf_printf(&b, "EXPLAIN QUERY PLAN %s", sql);
	if (sqlite3_prepare_v2(s->db, b.data, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *d = sqlite3_column_text(st, 3);

			/* every selected row sorted, or every entry of an index walked: the
			 * filters found by none */
			if (d != NULL &&
			    (strcmp((const char *)d, "USE TEMP B-TREE FOR ORDER BY") == 0 ||
			     strncmp((const char *)d, "SCAN s", 6) == 0))
				sorts = 1;
		}
	}
	sqlite3_finalize(st);
	buf_free(&b);
	free(sql);
	slot = &s->list_sorts[s->list_sorts_next];
	s->list_sorts_next = (s->list_sorts_next + 1) % STORE_LIST_SHAPES;
	slot->key = key;
	slot->sorts = sorts ? 2 : 1;
	return sorts;
}

/* The count (unless q knows it) and the page of q (its shape's key), inside a read
 * transaction. 0 or -1. */
static int store_views_list_read(struct store *s, const struct store_list_query *q,
				 sqlite3_stmt *count, const struct store_views_words *w, int key,
				 long long *total, struct buf *out)
{
	struct store_views_page_each e = {out, 1};
	struct store_views_shape shape = {q, w, 1, STORE_VIEWS_PLAN_AS_IS};
	char today[STORE_SLA_DAY_LEN];
	sqlite3_stmt *page;

	if (q->total_known >= 0) {
		*total = q->total_known;
	} else {
		if (store_views_bind_filters(s, count, q, w) < 0)
			return -1;
		if (store_row(s, count, "no se pudo contar el listado") != 1)
			return -1;
		*total = sqlite3_column_int64(count, 0);
		store_stmt_done(count);
	}
	if (store_views_walkable(q, w) && store_views_sorts(s, &shape, key)) {
		long long filings;

		if (store_filings_count(s, &filings) < 0)
			return -1;
		shape.plan = STORE_VIEWS_WALKS(*total, filings) ? STORE_VIEWS_PLAN_WALK
								: STORE_VIEWS_PLAN_SORT;
	}
	page = store_stmt_shape(s, STORE_STMT_LIST_PAGE, key | shape.plan << STORE_VIEWS_PLAN_SHIFT,
				store_views_list_sql, &shape,
				"no se pudo preparar la consulta del listado");
	if (page == NULL || store_views_bind_filters(s, page, q, w) < 0 ||
	    store_bind_at(s, page, STORE_VIEWS_PARAM_LIMIT, store_int(q->limit),
			  store_int(q->offset), store_text(q->now)) < 0)
		return -1;
	store_sla_day(q->now, today);
	if (store_bind_at(s, page, STORE_VIEWS_PARAM_TODAY, store_text(today)) < 0)
		return -1;
	buf_puts(out, "[");
	if (store_each(s, page, store_views_page_row, &e, "no se pudo leer el listado") < 0)
		return -1;
	buf_puts(out, "]");
	return 0;
}

/* Sets q->numero_exacto (see store.h) inside the caller's read transaction. 0 or -1. */
static int store_views_number(struct store *s, const struct store_list_query *q,
			      const struct store_views_words *w, int key)
{
	struct store_views_shape shape = {q, w, 2, STORE_VIEWS_PLAN_AS_IS};
	sqlite3_stmt *st;
	sqlite3_stmt *member;
	long long id;
	int inside;
	int rc;

	buf_reset(q->numero_exacto);
	if (!w->is_number) {
		buf_puts(q->numero_exacto, "null");
		return 0;
	}
	st = store_views_stmt(s, STORE_STMT_LIST_NUMBER);
	if (st == NULL || store_bind_at(s, st, 1, store_text(w->number)) < 0)
		return -1;
	rc = store_row(s, st, "no se pudo buscar el número de radicado");
	if (rc <= 0) {
		buf_puts(q->numero_exacto, "null");
		return rc;
	}
	id = sqlite3_column_int64(st, 0);
	buf_puts(q->numero_exacto, store_column_text(st, 1));
	store_stmt_done(st);
	member = store_stmt_shape(s, STORE_STMT_LIST_MEMBER, key, store_views_list_sql, &shape,
				  "no se pudo preparar la consulta del listado");
	if (member == NULL || store_views_bind_filters(s, member, q, w) < 0 ||
	    store_bind_at(s, member, STORE_VIEWS_PARAM_MEMBER, store_id(id)) < 0 ||
	    store_row(s, member, "no se pudo buscar el número de radicado") != 1)
		return -1;
	inside = sqlite3_column_int64(member, 0) > 0;
	store_stmt_done(member);
	/* json_object's text ends with its closing brace. */
	if (q->numero_exacto->len > 0)
		q->numero_exacto->len--;
	buf_printf(q->numero_exacto, ",\"fuera_de_filtros\":%s}", inside ? "false" : "true");
	return 0;
}

/* Sets q->conteos (see store.h) inside the caller's read transaction: one count statement
 * of the list's filters with the SLA filter, run for each state. 0 or -1. */
static int store_views_semaforo_counts(struct store *s, const struct store_list_query *q,
				       const struct store_views_words *w)
{
	static const char *const states[2] = {"vencido", "por_vencer"};
	struct store_list_query c = *q;
	struct store_views_shape shape = {&c, w, 0, STORE_VIEWS_PLAN_AS_IS};
	sqlite3_stmt *count;

	c.semaforo = states[0];
	c.orden = STORE_ORDER_FECHA_DESC; /* a count's shape whatever the order */
	count = store_stmt_shape(s, STORE_STMT_LIST_COUNT, store_views_shape_key(&c, w),
				 store_views_list_sql, &shape,
				 "no se pudo preparar la consulta del listado");
	for (int i = 0; i < 2; i++) {
		c.semaforo = states[i];
		if (count == NULL || store_views_bind_filters(s, count, &c, w) < 0 ||
		    store_row(s, count, "no se pudo contar el listado") != 1)
			return -1;
		q->conteos[i] = sqlite3_column_int64(count, 0);
		store_stmt_done(count);
	}
	return 0;
}

int store_list_json(struct store *s, const struct store_list_query *q, long long *total,
		    struct buf *out)
{
	struct store_views_words w;
	struct store_views_shape shape = {q, &w, 0, STORE_VIEWS_PLAN_AS_IS};
	int key;
	sqlite3_stmt *count;
	int rc = -1;
	int own;

	store_views_terms(q->q, &w);
	key = store_views_shape_key(q, &w);
	if (q->orden < 0 || q->orden >= STORE_ORDER_COUNT) {
		store_set_error(s, "orden de listado desconocido");
		goto done;
	}
	count = store_stmt_shape(s, STORE_STMT_LIST_COUNT, key, store_views_list_sql, &shape,
				 "no se pudo preparar la consulta del listado");
	if (count == NULL)
		goto done;
	/* Count, page and number in one read transaction, so the total matches the page (the
	 * caller's, when it already holds one), once the stored SLA blocks are fresh; the page's
	 * statement after the count, which chooses how it is read. */
	store_sla_fresh(s, q->now);
	if (store_read_begin(s, &own) < 0)
		goto done;
	rc = store_views_list_read(s, q, count, &w, key, total, out);
	if (rc == 0 && q->numero_exacto != NULL)
		rc = store_views_number(s, q, &w, key);
	if (rc == 0 && q->conteos != NULL)
		rc = store_views_semaforo_counts(s, q, &w);
	rc = store_txn_end(s, own, rc);
done:
	store_views_words_free(&w);
	return rc;
}

/* ---- One filing, the lawyers' load, counts */

/* One filing's JSON (issue 14): three statements read in one transaction, the filing's row
 * and each gestión and audit row written by SQLite's json_object and joined here, instead of
 * one json_object whose two json_group_array subqueries json() re-read: store_filing_json
 * ~272,000 -> ~150,000 instructions a filing (callgrind, 100,000-filing bench database). The
 * text is the one the single json_object wrote (tests/unit/test_store_ficha.c compares them). */

/* How a member's column becomes its JSON value inside json_object. */
enum store_views_kind {
	STORE_VIEWS_VALUE, /* as it is: null, number or string */
	STORE_VIEWS_BOOL,  /* 1 true, 0 false, anything else null */
	STORE_VIEWS_JSON   /* JSON text from json(), embedded as JSON */
};

/* One member of an object: its name, its SQL (NULL: alias.name) and kind. */
struct store_views_member {
	const char *name;
	const char *sql;
	enum store_views_kind kind;
};

/* The "radicado" object. */
static const struct store_views_member store_views_radicado[] = {
    {"numero", NULL, STORE_VIEWS_VALUE},
    {"tipo_radicado", NULL, STORE_VIEWS_VALUE},
    {"fecha_radicacion", NULL, STORE_VIEWS_VALUE},
    {"asunto", NULL, STORE_VIEWS_VALUE},
    {"folios", NULL, STORE_VIEWS_VALUE},
    {"ruta", NULL, STORE_VIEWS_VALUE},
    {"dependencia_origen", NULL, STORE_VIEWS_VALUE},
    {"dependencia_origen_nombre", NULL, STORE_VIEWS_VALUE},
    {"dependencia_actual", NULL, STORE_VIEWS_VALUE},
    {"remitente", NULL, STORE_VIEWS_VALUE},
    {"tipo_documental", NULL, STORE_VIEWS_VALUE},
    {"tipo_documental_nombre", NULL, STORE_VIEWS_VALUE},
    {"estado_ds", NULL, STORE_VIEWS_VALUE},
    {"id_sgd", "nullif(r.id_sgd, '')", STORE_VIEWS_VALUE},
    {"eliminado_sgd", NULL, STORE_VIEWS_VALUE},
    {"visto_primero", NULL, STORE_VIEWS_VALUE},
    {"visto_ultimo", NULL, STORE_VIEWS_VALUE},
};
#define STORE_VIEWS_ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))

/* The "seguimiento" object: the follow-up columns, the lawyer's name after abogado_id. */
#define STORE_VIEWS_NSEGUIMIENTO (STORE_FU_COUNT + 1)

/* One gestión of the "gestiones" array, in the order of the index gestion_radicado. */
static const struct store_views_member store_views_gestion[] = {
    {"id", NULL, STORE_VIEWS_VALUE},
    {"tipo", NULL, STORE_VIEWS_VALUE},
    {"fecha", NULL, STORE_VIEWS_VALUE},
    {"usuario_id", NULL, STORE_VIEWS_VALUE},
    {"usuario", "gu.nombre", STORE_VIEWS_VALUE},
    {"texto", NULL, STORE_VIEWS_VALUE},
    {"satisfactorio", NULL, STORE_VIEWS_BOOL},
    {"datos", "json(g.datos)", STORE_VIEWS_JSON},
};

/* One change of the "auditoria" array, oldest first. */
static const struct store_views_member store_views_auditoria[] = {
    {"id", NULL, STORE_VIEWS_VALUE},	      {"fecha", NULL, STORE_VIEWS_VALUE},
    {"usuario_id", NULL, STORE_VIEWS_VALUE},  {"usuario", "au.nombre", STORE_VIEWS_VALUE},
    {"campo", NULL, STORE_VIEWS_VALUE},	      {"valor_anterior", NULL, STORE_VIEWS_VALUE},
    {"valor_nuevo", NULL, STORE_VIEWS_VALUE},
};

/* The "seguimiento" members into m (STORE_VIEWS_NSEGUIMIENTO of them). */
static void store_views_follow_up_members(struct store_views_member *m)
{
	size_t n = 0;

	for (int i = 0; i < STORE_FU_COUNT; i++) {
		enum store_fu_field f = (enum store_fu_field)i;

		m[n].name = store_fu_name(f);
		m[n].sql = NULL;
		m[n].kind =
		    store_fu_kind(f) == STORE_FU_KIND_BOOL ? STORE_VIEWS_BOOL : STORE_VIEWS_VALUE;
		n++;
		if (f == STORE_FU_ABOGADO_ID) {
			m[n].name = "abogado";
			m[n].sql = "u.nombre";
			m[n].kind = STORE_VIEWS_VALUE;
			n++;
		}
	}
}

/* Appends ", json_object('name', value, ...)" of members m[0..n) (table alias alias) to a
 * SELECT list. */
static void store_views_object(struct buf *b, const char *alias, const struct store_views_member *m,
			       size_t n)
{
	buf_puts(b, ", json_object(");
	for (size_t i = 0; i < n; i++) {
		struct buf col;

		buf_init(&col);
		if (m[i].sql != NULL)
			buf_puts(&col, m[i].sql);
		else
			buf_printf(&col, "%s.%s", alias, m[i].name);
		buf_printf(b, "%s'%s', ", i > 0 ? ", " : "", m[i].name);
		if (m[i].kind == STORE_VIEWS_BOOL)
			buf_printf(b, "json(CASE %s WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)",
				   col.data);
		else
			buf_puts(b, col.data);
		buf_free(&col);
	}
	buf_puts(b, ")");
}

/* The SQL of the filing's row: the row id, the radicado's object, the follow-up's, and the
 * "sla" block it shows (arg unused). Returns a new string. */
static char *store_views_filing_sql(const void *arg)
{
	struct store_views_member fu[STORE_VIEWS_NSEGUIMIENTO];
	struct buf b;

	(void)arg;
	store_views_follow_up_members(fu);
	buf_init(&b);
	buf_puts(&b, "SELECT r.id");
	store_views_object(&b, "r", store_views_radicado,
			   STORE_VIEWS_ARRAY_N(store_views_radicado));
	store_views_object(&b, "s", fu, STORE_VIEWS_NSEGUIMIENTO);
	buf_puts(&b, ", " STORE_VIEWS_FILING_SLA
		     " FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
		     " LEFT JOIN usuario u ON u.id = s.abogado_id WHERE r.numero = ?1");
	return buf_steal(&b);
}

/* The SQL of the gestiones of filing ?1 (arg unused). Returns a new string. */
static char *store_views_gestiones_sql(const void *arg)
{
	struct buf b;

	(void)arg;
	buf_init(&b);
	buf_puts(&b, "SELECT 0");
	store_views_object(&b, "g", store_views_gestion, STORE_VIEWS_ARRAY_N(store_views_gestion));
	buf_puts(&b, " FROM gestion g LEFT JOIN usuario gu ON gu.id = g.usuario_id"
		     " WHERE g.radicado_id = ?1 ORDER BY g.fecha, g.id");
	return buf_steal(&b);
}

/* The SQL of the audit rows of filing ?1 (arg unused). Returns a new string. */
static char *store_views_auditoria_sql(const void *arg)
{
	struct buf b;

	(void)arg;
	buf_init(&b);
	buf_puts(&b, "SELECT 0");
	store_views_object(&b, "a", store_views_auditoria,
			   STORE_VIEWS_ARRAY_N(store_views_auditoria));
	buf_puts(&b, " FROM auditoria a LEFT JOIN usuario au ON au.id = a.usuario_id"
		     " WHERE a.radicado_id = ?1 ORDER BY a.id");
	return buf_steal(&b);
}

/* Appends column col of st, JSON text (json_object's, or a block's), or null. */
static void store_views_json_column(struct buf *b, sqlite3_stmt *st, int col)
{
	const char *p = (const char *)sqlite3_column_text(st, col);

	if (p == NULL)
		buf_puts(b, "null");
	else
		buf_append(b, p, (size_t)sqlite3_column_bytes(st, col));
}

struct store_views_array {
	struct buf *out;
	size_t rows;
};

static int store_views_array_row(sqlite3_stmt *st, void *arg)
{
	struct store_views_array *a = arg;

	if (a->rows++ > 0)
		buf_append(a->out, ",", 1);
	store_views_json_column(a->out, st, 1);
	return 0;
}

/* Appends "[{...},...]": the objects of statement id (built by build) for filing id, from
 * its column 1. 0, or -1 with s->err. */
static int store_views_json_array(struct store *s, struct buf *out, enum store_stmt_id id,
				  char *(*build)(const void *arg), long long filing)
{
	sqlite3_stmt *st = store_stmt_shape(s, id, 0, build, NULL, STORE_PREPARE_ERROR);
	struct store_views_array a = {out, 0};
	int rc;

	if (store_bind(s, st, store_int(filing)) < 0)
		return -1;
	buf_append(out, "[", 1);
	rc = store_each(s, st, store_views_array_row, &a, "no se pudo leer el radicado");
	buf_append(out, "]", 1);
	return rc == 0 ? 0 : -1;
}

int store_filing_json(struct store *s, const char *numero, struct buf *out)
{
	sqlite3_stmt *st = store_stmt_shape(s, STORE_STMT_FILING_JSON, 0, store_views_filing_sql,
					    NULL, STORE_PREPARE_ERROR);
	char today[STORE_SLA_DAY_LEN];
	size_t start = out->len;
	long long id;
	int found;
	int rc = -1;

	store_sla_fresh(s, NULL);
	store_sla_day(NULL, today);
	if (store_bind(s, st, store_text(numero), store_text(today)) < 0)
		return -1;
	found = store_row(s, st, "no se pudo leer el radicado");
	if (found <= 0)
		return found;
	/* The row stays stepped while the arrays are read: one read transaction, one state. */
	id = sqlite3_column_int64(st, 0);
	buf_puts(out, "{\"radicado\":");
	store_views_json_column(out, st, 1);
	buf_puts(out, ",\"seguimiento\":");
	store_views_json_column(out, st, 2);
	buf_puts(out, ",\"gestiones\":");
	if (store_views_json_array(s, out, STORE_STMT_FILING_GESTIONES, store_views_gestiones_sql,
				   id) < 0)
		goto done;
	buf_puts(out, ",\"auditoria\":");
	if (store_views_json_array(s, out, STORE_STMT_FILING_AUDITORIA, store_views_auditoria_sql,
				   id) < 0)
		goto done;
	buf_puts(out, ",\"sla\":");
	store_views_json_column(out, st, 3);
	buf_append(out, "}", 1);
	rc = 1;
done:
	store_stmt_done(st);
	if (rc < 0) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

struct store_views_load_each {
	int (*cb)(const struct store_user *u, const char *estado, const char *tipo_tramite,
		  long long count, void *arg);
	void *arg;
};

static int store_views_load_row(sqlite3_stmt *st, void *arg)
{
	const struct store_views_load_each *e = arg;
	struct store_user u;
	int has = sqlite3_column_type(st, 5) != SQLITE_NULL;

	store_read_user(st, &u);
	return e->cb(&u, has ? store_column_text(st, 5) : NULL,
		     has ? store_column_text(st, 6) : NULL, sqlite3_column_int64(st, 7), e->arg);
}

int store_lawyer_load(struct store *s,
		      int (*cb)(const struct store_user *u, const char *estado,
				const char *tipo_tramite, long long count, void *arg),
		      void *arg)
{
	struct store_views_load_each e = {cb, arg};

	return store_each(s, store_views_stmt(s, STORE_STMT_LAWYER_LOAD), store_views_load_row, &e,
			  "no se pudo leer la carga por abogado");
}

int store_count_by_estado(struct store *s, int (*cb)(const char *estado, long long n, void *arg),
			  void *arg)
{
	return store_count_rows(s, store_views_stmt(s, STORE_STMT_COUNT_BY_ESTADO), cb, arg,
				"no se pudieron contar los seguimientos");
}

/* ---- Indicators and export */
/* One read view for indicators.c and export.c: every filing with its follow-up, its
 * lawyer's name and the gestiones that move the business-day clock. Its SQL depends on
 * which filters are present: each of the STORE_SLA_SHAPES shapes is built and prepared on
 * its first use and kept in the connection's statement cache. */

#define STORE_SLA_EVENT_TYPES                                                                      \
	"('reparto', 'reasignacion', 'devolucion', 'reingreso', 'conclusion', 'reapertura',"       \
	" 'archivo', 'traslado', 'anulacion')"

/* Appends " AND <col> >= ?1 AND <col> < ?2" for the bounds q has (instants and dates
 * compare as text: a stored instant starts with its Bogotá day). */
static void store_sla_range(struct buf *b, const struct store_sla_query *q, const char *col)
{
	if (q->desde != NULL)
		buf_printf(b, " AND %s >= ?1", col);
	if (q->hasta_excl != NULL)
		buf_printf(b, " AND %s < ?2", col);
}

/* The gestiones whose dates and texts the export shows (devolución reasons, reingreso
 * dates, the conclusion note). */
#define STORE_SLA_MILESTONE_TYPES "('devolucion', 'reingreso', 'conclusion')"
/* The stored block serves for day ?4 (store_sla.c: a stopped clock is kept for 9999-12-31). */
#define STORE_SLA_SERVES "(s.sla_dia = '9999-12-31' OR s.sla_dia = ?4)"

/* Appends the conditions on r (radicado) of the filings q selects. */
static void store_sla_where(struct buf *b, const struct store_sla_query *q)
{
	int ranged = q->desde != NULL || q->hasta_excl != NULL;

	if (ranged) {
		/* The ids each condition finds by its own index (or one pass), joined: an OR of
		 * them would test every filing (an EXISTS on its gestiones each). */
		buf_puts(b, " AND r.id IN (SELECT id FROM radicado WHERE 1");
		store_sla_range(b, q, "fecha_radicacion");
		if (q->mas_abiertos)
			buf_puts(b, " UNION ALL SELECT radicado_id FROM seguimiento WHERE estado IN"
				    " ('repartido', 'en_revision', 'devuelto')");
		if (q->actividad) {
			buf_puts(b, " UNION ALL SELECT radicado_id FROM gestion WHERE 1");
			store_sla_range(b, q, "fecha");
			buf_puts(b, " UNION ALL SELECT radicado_id FROM seguimiento WHERE (1");
			store_sla_range(b, q, "fecha_reparto");
			buf_puts(b, ") OR (1");
			store_sla_range(b, q, "fecha_conclusion");
			buf_puts(b, ")");
		}
		buf_puts(b, ")");
	}
	if (q->numero != NULL)
		buf_puts(b, " AND r.numero = ?3");
	if (q->solo_abiertos) /* by seguimiento_estado, not a walk of every filing by date */
		buf_puts(b, " AND r.id IN (SELECT radicado_id FROM seguimiento WHERE estado IN"
			    " ('repartido', 'en_revision', 'devuelto'))");
}

/* The SQL of a query shape (arg: the struct store_sla_query). Returns a new string. */
static char *store_sla_sql(const void *arg)
{
	const struct store_sla_query *q = arg;
	int ranged = q->desde != NULL || q->hasta_excl != NULL;
	struct buf b;

	buf_init(&b);
	buf_puts(&b,
		 /* The requesting area: an entry filing (tipo entrada: a sender outside the
		  * entity, radicated at the ventanilla) has none, whichever dependency radicated
		  * it; the indicators group those as «Externos (ventanilla)». */
		 "SELECT r.id, r.numero, r.fecha_radicacion, r.asunto,"
		 " CASE r.tipo_radicado WHEN 'entrada' THEN '' ELSE r.dependencia_origen END,"
		 " r.dependencia_origen_nombre, r.estado_ds, s.tipo_tramite, s.modalidad,");
	/* The export's own columns: not decoded for the indicators (a fifth of their SQL). */
	buf_puts(&b, q->solo_cifras ? " '', ''," : " s.novedad, s.tipo_gestion,");
	buf_puts(&b,
		 " s.abogado_id, u.nombre, s.fecha_reparto, s.estado, s.concluido_satisfactorio,"
		 " s.fecha_conclusion,");
	buf_puts(&b, q->solo_cifras
			 ? " '', '', NULL, NULL, NULL, NULL, NULL, 0, '',"
			 : " s.numero_contrato, s.contratista, s.valor, s.fecha_rp,"
			   " s.fecha_aprobacion_garantias, s.fecha_arl, s.fecha_acta_inicio,"
			   " s.publicado_secop, s.observaciones,");
	buf_puts(&b, " s.devoluciones,");
	/* The clock's gestiones, unless the stored block of the day serves (CASE evaluates
	 * the subquery only for the rows it reaches). */
	if (q->sla_now != NULL)
		buf_puts(&b, " CASE WHEN " STORE_SLA_SERVES " THEN '' ELSE");
	buf_puts(&b, " (SELECT group_concat(e, ';') FROM (SELECT g.id || '|' || g.tipo || '|' ||"
		     "  g.fecha AS e FROM gestion g WHERE g.radicado_id = r.id AND g.tipo "
		     "IN " STORE_SLA_EVENT_TYPES " ORDER BY g.fecha, g.id))");
	buf_puts(&b, q->sla_now != NULL ? " END," : ",");
	/* notas and hitos: two more subqueries a filing, for the export only */
	buf_puts(&b, q->solo_cifras
			 ? " '[]', '', NULL, '', '[]',"
			 : " (SELECT json_group_array(json_array(o.fecha, o.texto)) FROM"
			   " (SELECT g.fecha, g.texto FROM gestion g WHERE g.radicado_id ="
			   " r.id AND g.tipo = 'observacion' AND g.texto <> '' ORDER BY"
			   " g.fecha, g.id) o),"
			   " s.objeto, s.fecha_suscripcion, s.linea_paa,"
			   " (SELECT json_group_array(json_array(h.tipo, h.fecha, h.texto))"
			   " FROM (SELECT g.tipo, g.fecha, g.texto FROM gestion g WHERE"
			   " g.radicado_id = r.id AND g.tipo IN " STORE_SLA_MILESTONE_TYPES
			   " ORDER BY g.fecha, g.id) h),");
	/* With con_gestiones they come from one read of their own (store_sla_gestiones_read). */
	buf_puts(&b, " ''");
	/* The indicators read the block's members from their columns (migration 10), its text
	 * only when those are empty. */
	if (q->sla_now != NULL && q->solo_cifras)
		buf_puts(&b,
			 ", CASE WHEN " STORE_SLA_SERVES " AND s.sla_reloj IS NULL THEN s.sla END,"
			 " " STORE_SLA_SERVES " AND s.sla_reloj IS NOT NULL, s.sla_reloj,"
			 " s.sla_estado, s.sla_inicio, s.sla_fin, s.sla_fecha_limite, s.sla_meta,"
			 " s.sla_devoluciones, coalesce(s.sla_espera, -1), s.sla_rondas,"
			 " s.sla_correcciones");
	else
		buf_puts(&b, q->sla_now != NULL ? ", CASE WHEN " STORE_SLA_SERVES " THEN s.sla END"
						: ", NULL");
	/* A period walks the filings in date order (radicado_fecha), each looked up in the
	 * list of ids below: the answer comes in its order, without sorting tens of thousands
	 * of wide rows (the planner would rather drive from the list and sort). */
	buf_puts(&b, ranged ? " FROM radicado r INDEXED BY radicado_fecha" : " FROM radicado r");
	buf_puts(&b, " JOIN seguimiento s ON s.radicado_id = r.id"
		     " LEFT JOIN usuario u ON u.id = s.abogado_id WHERE 1");
	store_sla_where(&b, q);
	buf_puts(&b, " ORDER BY r.fecha_radicacion, r.numero");
	return buf_steal(&b);
}

/* The columns of a counts read (store_sla_counts_read) from seguimiento s and index (NULL:
 * the table's rows, by the planner's choice). */
static void store_sla_counts_select(struct buf *b, const char *index)
{
	buf_puts(b, "SELECT s.radicado_id, s.fecha_radicacion, s.area, s.area_nombre,"
		    " s.tipo_tramite, s.modalidad, s.abogado_id, s.estado, s.devoluciones,"
		    " CASE WHEN " STORE_SLA_SERVES " THEN s.sla_cifras END, s.gestion_tipos,"
		    " s.fecha_reparto, s.fecha_conclusion, s.numero FROM seguimiento s");
	if (index != NULL)
		buf_printf(b, " INDEXED BY %s", index);
	buf_puts(b, " WHERE 1");
}

/* A counts read's shape: the query, and under actividad with a period whether it walks
 * every entry (store_sla_walks). */
struct store_sla_counts_shape {
	const struct store_sla_query *q;
	int walk;
};

/* The SQL of a counts read (store_sla_query.conteos; arg: its struct
 * store_sla_counts_shape): what store_sla_counts_read reads, from the covering indexes
 * seguimiento_cifras and seguimiento_cifras_abiertos (and, under actividad, the rows of the
 * few filings received outside the period and closed with something in it). Returns a new
 * string. */
static char *store_sla_counts_sql(const void *arg)
{
	const struct store_sla_counts_shape *shape = arg;
	const struct store_sla_query *q = shape->q;
	struct buf b;

	buf_init(&b);
	store_sla_counts_select(&b, "seguimiento_cifras");
	/* every entry: store_sla_row keeps, under actividad, those with something in the
	 * period */
	if ((q->desde == NULL && q->hasta_excl == NULL) || shape->walk) {
		buf_puts(&b, " ORDER BY s.fecha_radicacion");
		return buf_steal(&b);
	}
	/* The period's entries, then the open filings received outside it from the index of
	 * the open ones (an OR of both would read every entry). */
	store_sla_range(&b, q, "s.fecha_radicacion");
	if (q->mas_abiertos) {
		buf_puts(&b, " UNION ALL ");
		store_sla_counts_select(&b, "seguimiento_cifras_abiertos");
		buf_puts(&b, " AND " STORE_VIEWS_OPEN " AND NOT (1");
		store_sla_range(&b, q, "s.fecha_radicacion");
		buf_puts(&b, ")");
	}
	/* Under actividad, then the others with a gestion, a reparto or a conclusion in the
	 * period (store_sla_active): their ids by date (migration 13), of which
	 * seguimiento_recepcion keeps those the parts above did not read. */
	if (q->actividad) {
		buf_puts(&b, " UNION ALL ");
		store_sla_counts_select(&b, NULL);
		buf_puts(&b, " AND s.radicado_id IN (SELECT f.radicado_id FROM seguimiento f"
			     " INDEXED BY seguimiento_recepcion WHERE f.radicado_id IN ("
			     "SELECT radicado_id FROM gestion INDEXED BY gestion_fecha WHERE 1");
		store_sla_range(&b, q, "fecha");
		buf_puts(&b, " UNION ALL SELECT radicado_id FROM seguimiento"
			     " INDEXED BY seguimiento_reparto WHERE 1");
		store_sla_range(&b, q, "fecha_reparto");
		buf_puts(&b, " UNION ALL SELECT radicado_id FROM seguimiento"
			     " INDEXED BY seguimiento_conclusion WHERE 1");
		store_sla_range(&b, q, "fecha_conclusion");
		buf_puts(&b, ") AND NOT (1");
		store_sla_range(&b, q, "f.fecha_radicacion");
		buf_puts(&b, ")");
		if (q->mas_abiertos)
			buf_puts(&b, " AND NOT f.estado " STORE_VIEWS_OPEN_IN);
		buf_puts(&b, ")");
	}
	return buf_steal(&b);
}

/* The SQL of the gestiones of a query shape (arg: the struct store_sla_query): every
 * gestion of the filings the rows' query selects (of the period only under actividad) as
 * (radicado_id, "tipo|fecha"), by filing and in (fecha, id) order, read from the index
 * gestion_radicado alone. Returns a new string. */
static char *store_sla_gestiones_sql(const void *arg)
{
	const struct store_sla_query *q = arg;
	struct buf b;

	buf_init(&b);
	if (q->conteos && q->actividad) { /* by date: store_sla_gestiones_sorted */
		buf_puts(&b, "SELECT g.radicado_id, g.tipo || '|' || g.fecha FROM gestion g"
			     " INDEXED BY gestion_fecha WHERE 1");
		store_sla_range(&b, q, "g.fecha");
		return buf_steal(&b);
	}
	buf_puts(&b, "SELECT g.radicado_id, g.tipo || '|' || g.fecha FROM gestion g"
		     " WHERE g.radicado_id IN (SELECT r.id FROM radicado r WHERE 1");
	store_sla_where(&b, q);
	buf_puts(&b, ")");
	if (q->actividad)
		store_sla_range(&b, q, "g.fecha");
	buf_puts(&b, " ORDER BY g.radicado_id, g.fecha, g.id");
	return buf_steal(&b);
}

static const char *store_sla_text_or_null(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	return store_column_text(st, col);
}

static void store_sla_read(sqlite3_stmt *st, struct store_sla_row *r)
{
	r->radicado_id = sqlite3_column_int64(st, 0);
	r->numero = store_column_text(st, 1);
	r->fecha_radicacion = store_column_text(st, 2);
	r->asunto = store_column_text(st, 3);
	r->dependencia_origen = store_column_text(st, 4);
	r->dependencia_origen_nombre = store_column_text(st, 5);
	r->estado_ds = store_column_text(st, 6);
	r->tipo_tramite = store_column_text(st, 7);
	r->modalidad = store_column_text(st, 8);
	r->novedad = store_column_text(st, 9);
	r->tipo_gestion = store_column_text(st, 10);
	r->abogado_id = sqlite3_column_int64(st, 11);
	r->abogado = store_column_text(st, 12);
	r->fecha_reparto = store_sla_text_or_null(st, 13);
	r->estado = store_column_text(st, 14);
	r->concluido_satisfactorio =
	    sqlite3_column_type(st, 15) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 15) != 0;
	r->fecha_conclusion = store_sla_text_or_null(st, 16);
	r->numero_contrato = store_column_text(st, 17);
	r->contratista = store_column_text(st, 18);
	r->valor_presente = sqlite3_column_type(st, 19) != SQLITE_NULL;
	r->valor = sqlite3_column_int64(st, 19);
	r->fecha_rp = store_sla_text_or_null(st, 20);
	r->fecha_aprobacion_garantias = store_sla_text_or_null(st, 21);
	r->fecha_arl = store_sla_text_or_null(st, 22);
	r->fecha_acta_inicio = store_sla_text_or_null(st, 23);
	r->publicado_secop = sqlite3_column_int(st, 24) != 0;
	r->observaciones = store_column_text(st, 25);
	r->devoluciones = (long)sqlite3_column_int64(st, 26);
	r->eventos = store_column_text(st, 27);
	r->notas = store_column_text(st, 28);
	r->objeto = store_column_text(st, 29);
	r->fecha_suscripcion = store_sla_text_or_null(st, 30);
	r->linea_paa = store_column_text(st, 31);
	r->hitos = store_column_text(st, 32);
	r->gestiones = store_column_text(st, 33);
	r->sla = store_sla_text_or_null(st, 34);
	memset(&r->sla_members, 0, sizeof(r->sla_members));
	r->sla_cols = sqlite3_column_count(st) > 35 && sqlite3_column_int(st, 35) != 0;
	if (r->sla_cols) {
		struct store_sla_members *m = &r->sla_members;

		m->reloj = store_column_text(st, 36);
		m->estado = store_column_text(st, 37);
		m->inicio = store_sla_text_or_null(st, 38);
		m->fin = store_sla_text_or_null(st, 39);
		m->fecha_limite = store_sla_text_or_null(st, 40);
		m->meta = sqlite3_column_int64(st, 41);
		m->devoluciones = sqlite3_column_int64(st, 42);
		m->espera = sqlite3_column_int64(st, 43);
		m->rondas = store_column_text(st, 44);
		m->correcciones = store_column_text(st, 45);
	}
}

/* A row of store_sla_counts_sql: what the counts read (the clock in cifras; the lawyer's
 * name is the caller's: abogado ""), every other member empty. */
static void store_sla_counts_read(sqlite3_stmt *st, struct store_sla_row *r)
{
	memset(r, 0, sizeof(*r));
	r->radicado_id = sqlite3_column_int64(st, 0);
	r->fecha_radicacion = store_column_text(st, 1);
	r->dependencia_origen = store_column_text(st, 2);
	r->dependencia_origen_nombre = store_column_text(st, 3);
	r->tipo_tramite = store_column_text(st, 4);
	r->modalidad = store_column_text(st, 5);
	r->abogado_id = sqlite3_column_int64(st, 6);
	r->estado = store_column_text(st, 7);
	r->devoluciones = (long)sqlite3_column_int64(st, 8);
	r->cifras = store_sla_text_or_null(st, 9);
	r->fecha_reparto = store_sla_text_or_null(st, 11);
	r->fecha_conclusion = store_sla_text_or_null(st, 12);
	r->numero = store_column_text(st, 13);
	r->asunto = NULL;
	r->estado_ds = r->novedad = r->tipo_gestion = r->abogado = "";
	r->numero_contrato = r->contratista = r->observaciones = r->eventos = "";
	r->objeto = r->linea_paa = "";
	r->notas = r->hitos = "[]";
	r->gestiones = "";
	r->concluido_satisfactorio = -1;
}

/* The gestiones of the filings of a read (store_sla_gestiones_sql), by filing: id[i]'s
 * "tipo|fecha;..." text starts at text.data + off[i]; ids ascending. */
struct store_sla_gestiones {
	long long *id;
	size_t *off;
	size_t n, cap;
	size_t items; /* gestiones, of all the filings */
	struct buf text;
};

/* Appends filing id's gestion item ("tipo|fecha") to g; ids come in ascending order. */
static void store_sla_gestiones_add(struct store_sla_gestiones *g, long long id, const char *item)
{
	g->items++;
	if (g->n > 0 && g->id[g->n - 1] == id) {
		buf_append(&g->text, ";", 1);
	} else {
		if (g->n > 0)
			buf_append(&g->text, "", 1); /* the previous filing's NUL */
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 256;
			g->id = xrealloc(g->id, g->cap * sizeof(*g->id));
			g->off = xrealloc(g->off, g->cap * sizeof(*g->off));
		}
		g->id[g->n] = id;
		g->off[g->n] = g->text.len;
		g->n++;
	}
	buf_puts(&g->text, item);
}

static int store_sla_gestion_row(sqlite3_stmt *st, void *arg)
{
	store_sla_gestiones_add(arg, sqlite3_column_int64(st, 0), store_column_text(st, 1));
	return 0;
}

/* A counts read under actividad takes the period's gestiones by their date (the index
 * gestion_fecha: every one of the period, of whichever filing), in date order: they are
 * put in filing order here, each filing's in the order read. */
struct store_sla_dated {
	struct store_sla_dated_item {
		long long id;
		size_t off; /* of its "tipo|fecha" in text */
		size_t seq; /* read order */
	} * v;
	size_t n, cap;
	struct buf text;
};

static int store_sla_dated_row(sqlite3_stmt *st, void *arg)
{
	struct store_sla_dated *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	d->v[d->n].id = sqlite3_column_int64(st, 0);
	d->v[d->n].off = d->text.len;
	d->v[d->n].seq = d->n;
	d->n++;
	buf_puts(&d->text, store_column_text(st, 1));
	buf_append(&d->text, "", 1);
	return 0;
}

static int store_sla_dated_cmp(const void *pa, const void *pb)
{
	const struct store_sla_dated_item *a = pa;
	const struct store_sla_dated_item *b = pb;

	if (a->id != b->id)
		return (a->id > b->id) - (a->id < b->id);
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Reads st's (radicado_id, "tipo|fecha") rows in any filing order into g by filing. 0 or
 * -1. */
static int store_sla_gestiones_sorted(struct store *s, sqlite3_stmt *st,
				      struct store_sla_gestiones *g)
{
	struct store_sla_dated d;
	int rc;

	memset(&d, 0, sizeof(d));
	buf_init(&d.text);
	rc = store_each(s, st, store_sla_dated_row, &d, "no se pudieron leer las gestiones");
	if (rc == 0 && d.n > 1)
		qsort(d.v, d.n, sizeof(*d.v), store_sla_dated_cmp);
	for (size_t i = 0; rc == 0 && i < d.n; i++)
		store_sla_gestiones_add(g, d.v[i].id, d.text.data + d.v[i].off);
	free(d.v);
	buf_free(&d.text);
	return rc < 0 ? -1 : 0;
}

/* The gestiones text of filing id ("" when none). */
static const char *store_sla_gestiones_of(const struct store_sla_gestiones *g, long long id)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->n && g->id[lo] == id ? g->text.data + g->off[lo] : "";
}

static void store_sla_gestiones_free(struct store_sla_gestiones *g)
{
	free(g->id);
	free(g->off);
	buf_free(&g->text);
}

/* Binds q's filters to st: desde ?1, hasta_excl ?2, numero ?3, the stored blocks' day ?4
 * (day NULL: st has none). 0 or -1. */
static int store_sla_bind(struct store *s, sqlite3_stmt *st, const struct store_sla_query *q,
			  const char *day)
{
	return (q->desde != NULL && store_bind_at(s, st, 1, store_text(q->desde)) < 0) ||
		       (q->hasta_excl != NULL &&
			store_bind_at(s, st, 2, store_text(q->hasta_excl)) < 0) ||
		       (q->numero != NULL && store_bind_at(s, st, 3, store_text(q->numero)) < 0) ||
		       (day != NULL && store_bind_at(s, st, 4, store_text(day)) < 0)
		   ? -1
		   : 0;
}

/* Reads into g the gestiones of the filings q selects (inside the caller's read
 * transaction): one pass over gestion_radicado instead of a subquery a filing. 0 or -1. */
static int store_sla_gestiones_read(struct store *s, const struct store_sla_query *q, int shape,
				    struct store_sla_gestiones *g)
{
	sqlite3_stmt *st = store_stmt_shape(
	    s, STORE_STMT_SLA_ROWS, shape | STORE_SLA_GESTIONES_SHAPE, store_sla_gestiones_sql, q,
	    "no se pudo preparar la consulta de plazos");

	if (st == NULL || store_sla_bind(s, st, q, NULL) < 0)
		return -1;
	if (q->conteos && q->actividad ? store_sla_gestiones_sorted(s, st, g) < 0
				       : store_each(s, st, store_sla_gestion_row, g,
						    "no se pudieron leer las gestiones") < 0)
		return -1;
	if (g->n > 0)
		buf_append(&g->text, "", 1);
	return 0;
}

struct store_sla_each {
	int (*cb)(const struct store_sla_row *r, void *arg);
	void *arg;
	const struct store_sla_gestiones *gestiones; /* with con_gestiones, else NULL */
	int conteos;				     /* store_sla_query.conteos */
	struct buf kinds; /* conteos without gestiones: a row's gestiones, reused */
	const struct store_sla_query *q;
};

/* 1 when text (an instant or a date; NULL: never) falls in q's period, its day compared
 * as the SQL ranges compare (store_sla_range). */
static int store_sla_in(const struct store_sla_query *q, const char *text)
{
	return text != NULL && (q->desde == NULL || strcmp(text, q->desde) >= 0) &&
	       (q->hasta_excl == NULL || strcmp(text, q->hasta_excl) < 0);
}

/* The filings a read under actividad selects (store_sla_where): received in the period,
 * open (mas_abiertos), or with a gestion (g: the period's), a reparto or a conclusion on a
 * day of it. */
static int store_sla_active(const struct store_sla_query *q, const struct store_sla_gestiones *g,
			    const struct store_sla_row *r)
{
	if (q->desde == NULL && q->hasta_excl == NULL)
		return 1;
	return store_sla_in(q, r->fecha_radicacion) ||
	       (q->mas_abiertos &&
		(strcmp(r->estado, "repartido") == 0 || strcmp(r->estado, "en_revision") == 0 ||
		 strcmp(r->estado, "devuelto") == 0)) ||
	       store_sla_in(q, r->fecha_reparto) || store_sla_in(q, r->fecha_conclusion) ||
	       (g != NULL && store_sla_gestiones_of(g, r->radicado_id)[0] != '\0');
}

/* A counts read's gestiones from gestion_tipos ("tipo|n;..."): n items "tipo|" of each tipo
 * (the form store_sla_row.gestiones has, without the dates nobody reads there), into b; a
 * count that is not a number counts none, and none counts more than STORE_SLA_KINDS_MAX (the
 * column is read from the file like any other row). */
#define STORE_SLA_KINDS_MAX 10000
static const char *store_sla_kinds(struct buf *b, const char *tipos)
{
	const char *p = tipos;

	buf_reset(b);
	while (*p != '\0') {
		size_t item = strcspn(p, ";");
		size_t len = strcspn(p, "|;");
		char *end = NULL;
		long n = len < item ? strtol(p + len + 1, &end, 10) : 0;

		if (end != p + item || n < 0)
			n = 0;
		else if (n > STORE_SLA_KINDS_MAX)
			n = STORE_SLA_KINDS_MAX;

		for (long k = 0; k < n; k++) {
			if (b->len > 0)
				buf_append(b, ";", 1);
			buf_append(b, p, len + 1);
		}
		p += item;
		if (*p == ';')
			p++;
	}
	return b->data != NULL ? b->data : "";
}

static int store_sla_row(sqlite3_stmt *st, void *arg)
{
	struct store_sla_each *e = arg;
	struct store_sla_row r;

	if (e->conteos) {
		store_sla_counts_read(st, &r);
		if (e->q->actividad && !store_sla_active(e->q, e->gestiones, &r))
			return 0;
		if (r.cifras == NULL)
			return STORE_SLA_NOT_FRESH;
	} else {
		store_sla_read(st, &r);
	}
	if (e->gestiones != NULL)
		r.gestiones = store_sla_gestiones_of(e->gestiones, r.radicado_id);
	else if (e->conteos)
		r.gestiones = store_sla_kinds(&e->kinds, store_column_text(st, 10));
	return e->cb(&r, e->arg);
}

/* Whether a counts read under actividad walks every entry (sets walk->walk): with a period,
 * when the period's gestiones g are as many as half the filings or more (a long one: the
 * ids of their filings would cost more than the entries a walk reads for nothing), else it
 * reads the filings with something in it by their ids. 0 or -1. */
static int store_sla_walks(struct store *s, const struct store_sla_query *q,
			   const struct store_sla_gestiones *g, struct store_sla_counts_shape *walk)
{
	long long filings;

	walk->walk = 0;
	if (q->desde == NULL && q->hasta_excl == NULL)
		return 0;
	if (store_filings_count(s, &filings) < 0)
		return -1;
	walk->walk = (double)g->items * 2 >= (double)filings;
	return 0;
}

int store_sla_rows(struct store *s, const struct store_sla_query *query,
		   int (*cb)(const struct store_sla_row *r, void *arg), void *arg)
{
	/* A counts read: only of the figures, by their stored blocks, of no single filing. */
	int conteos = query->conteos && query->solo_cifras && query->sla_now != NULL &&
		      query->numero == NULL && !query->solo_abiertos;
	struct store_sla_query counts = *query;
	const struct store_sla_query *q = &counts; /* the query as read: conteos as it serves */
	/* The SQL depends only on which filters are present: one cached statement each. */
	int shape = (q->desde != NULL) | (q->hasta_excl != NULL) << 1 |
		    (q->mas_abiertos != 0) << 2 | (q->numero != NULL) << 3 |
		    (q->solo_abiertos != 0) << 4 | (q->actividad != 0) << 5 |
		    (q->con_gestiones != 0) << 6 | (q->solo_cifras != 0) << 7 |
		    (q->sla_now != NULL) << 8 | (conteos ? STORE_SLA_COUNTS_SHAPE : 0);
	struct store_sla_gestiones g;
	struct store_sla_each e = {cb, arg, NULL, conteos, {NULL, 0, 0}, q};
	struct store_sla_counts_shape walk = {q, 0};
	char day[STORE_SLA_DAY_LEN] = "";
	sqlite3_stmt *st;
	int rc;
	int own;

	counts.conteos = conteos; /* what the SQL builders see */
	if (q->sla_now != NULL) {
		store_sla_fresh(s, q->sla_now);
		store_sla_day(q->sla_now, day);
	}
	memset(&g, 0, sizeof(g));
	buf_init(&g.text);
	/* One read transaction, so every row and gestion comes from the same snapshot (the
	 * caller's, when it already holds one). */
	if (store_read_begin(s, &own) < 0)
		return -1;
	/* a counts read without actividad has each filing's gestiones on its row */
	if (q->con_gestiones && (!conteos || q->actividad)) {
		rc = store_sla_gestiones_read(s, q, shape, &g);
		e.gestiones = &g;
	} else {
		rc = 0;
	}
	if (rc == 0 && conteos && q->actividad && store_sla_walks(s, q, &g, &walk) < 0)
		rc = -1;
	if (walk.walk)
		shape |= STORE_SLA_WALK_SHAPE;
	/* prepared after the gestiones' statement: that one's slot cannot take this one's */
	st = rc == 0 ? store_stmt_shape(s, STORE_STMT_SLA_ROWS, shape,
					conteos ? store_sla_counts_sql : store_sla_sql,
					conteos ? (const void *)&walk : (const void *)q,
					"no se pudo preparar la consulta de plazos")
		     : NULL;
	if (st == NULL || store_sla_bind(s, st, q, q->sla_now != NULL ? day : NULL) < 0) {
		store_stmt_done(st);
		rc = -1;
	} else {
		rc = store_each(s, st, store_sla_row, &e, "no se pudieron leer los radicados");
	}
	store_sla_gestiones_free(&g);
	buf_free(&e.kinds);
	return store_txn_end(s, own, rc);
}

int store_filing_subject(struct store *s, long long radicado_id, struct buf *out)
{
	sqlite3_stmt *st = store_views_stmt(s, STORE_STMT_SLA_SUBJECT);
	int rc = store_row_of(s, st, store_int(radicado_id), "no se pudo leer un radicado");

	buf_reset(out);
	if (rc == 1) {
		buf_puts(out, store_column_text(st, 0));
		store_stmt_done(st);
	}
	return rc;
}
