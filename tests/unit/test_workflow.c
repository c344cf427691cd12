/* test_workflow.c -- unit tests of workflow.c: the WHOLE action table (every action x estado x
 * estado_ds x rol x assigned x lawyer already assigned) and the input checks against the
 * independent expectation in tests/data/workflow-cases.txt, the field table, and what an
 * accepted action changes in a follow-up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "store.h"
#include "workflow.h"

#define TEST_CASES "tests/data/workflow-cases.txt"
#define TEST_MAX_RULES 256
#define TEST_MAX_TOKENS 12
#define TEST_LINE_MAX 1024
#define TEST_NUMERO "2024001"
#define TEST_LAWYER 7

/* One line of the file: its kind, the patterns before "->", the result after it and the
 * message after "|" (NULL when not given). */
struct test_rule {
	int line;
	char kind[16];
	char *pat[TEST_MAX_TOKENS];
	int npat;
	char *res[TEST_MAX_TOKENS];
	int nres;
	char *msg;
	int used;
	char *text; /* the line, owned; the strings above point into it */
};

static struct test_rule test_rules[TEST_MAX_RULES];
static int test_nrules;

static const char *const test_estados[] = {"recibido",	"repartido",  "en_revision",
					   "devuelto",	"concluido",  "anulado",
					   "archivado", "trasladado", "?"};
static const char *const test_ds[] = {"vigente", "anulacion_solicitada", "anulado"};
static const int test_roles[] = {AUTH_ROLE_DIRECTOR, AUTH_ROLE_ABOGADO, AUTH_ROLE_APOYO,
				 AUTH_ROLE_ADMIN};
#define TEST_N(a) (sizeof(a) / sizeof((a)[0]))

/* Splits s at white space into out (at most max); returns how many. */
static int test_split(char *s, char **out, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(s, " \t", &save); t != NULL && n < max;
	     t = strtok_r(NULL, " \t", &save))
		out[n++] = t;
	return n;
}

static void test_load(void)
{
	FILE *f = fopen(TEST_CASES, "r");
	char line[TEST_LINE_MAX];
	int lineno = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *l;
		char *arrow;
		char *bar;
		char *toks[TEST_MAX_TOKENS + 1];
		struct test_rule *r;
		int n;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		assert_true(test_nrules < TEST_MAX_RULES);
		r = &test_rules[test_nrules++];
		memset(r, 0, sizeof(*r));
		r->line = lineno;
		r->text = l = strdup(line);
		assert_non_null(l);
		arrow = strstr(l, " -> ");
		bar = strstr(l, " | ");
		if (bar != NULL) {
			*bar = '\0';
			r->msg = bar + 3;
		}
		if (arrow != NULL) {
			*arrow = '\0';
			r->nres = test_split(arrow + 4, r->res, TEST_MAX_TOKENS);
		}
		n = test_split(l, toks, TEST_MAX_TOKENS + 1);
		assert_true(n >= 1);
		snprintf(r->kind, sizeof(r->kind), "%s", toks[0]);
		for (int i = 1; i < n; i++)
			r->pat[r->npat++] = toks[i];
	}
	fclose(f);
}

/* 1 when pattern ("*", a value, or values joined by commas) admits v. */
static int test_matches(const char *pattern, const char *v)
{
	size_t n = strlen(v);

	if (strcmp(pattern, "*") == 0)
		return 1;
	for (const char *p = pattern; *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* The first rule of kind whose patterns admit values (n of them); marks it used. */
static struct test_rule *test_find(const char *kind, const char *const *values, int n)
{
	for (int i = 0; i < test_nrules; i++) {
		struct test_rule *r = &test_rules[i];
		int ok = strcmp(r->kind, kind) == 0 && r->npat == n;

		for (int k = 0; ok && k < n; k++)
			ok = test_matches(r->pat[k], values[k]);
		if (ok) {
			r->used = 1;
			return r;
		}
	}
	return NULL;
}

static const char *test_verdict_name(enum workflow_verdict v)
{
	switch (v) {
	case WORKFLOW_OK:
		return "ok";
	case WORKFLOW_ROLE:
		return "rol";
	case WORKFLOW_NOT_OWN:
		return "no_asignado";
	case WORKFLOW_BAD_INPUT:
		return "entrada";
	case WORKFLOW_ANNULLED:
		return "anulado";
	default:
		return "transicion";
	}
}

/* The effects as the file writes them ("asigna,reloj" or "-"). */
static void test_effects(unsigned fx, char *out, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{WORKFLOW_FX_ASSIGN, "asigna"},
		     {WORKFLOW_FX_START_CLOCK, "reloj"},
		     {WORKFLOW_FX_COUNT_RETURN, "devolucion"},
		     {WORKFLOW_FX_CONCLUDE, "conclusion"},
		     {WORKFLOW_FX_REOPEN, "reapertura"},
		     {WORKFLOW_FX_OUTCOME, "desenlace"},
		     {WORKFLOW_FX_RESTORE, "restaura"}};

	out[0] = '\0';
	for (size_t i = 0; i < TEST_N(names); i++) {
		if ((fx & names[i].bit) == 0)
			continue;
		if (out[0] != '\0')
			strncat(out, ",", len - strlen(out) - 1);
		strncat(out, names[i].name, len - strlen(out) - 1);
	}
	if (out[0] == '\0')
		snprintf(out, len, "-");
}

/* Prints the case and fails when what differs from want. */
static void test_expect(int ok, const struct test_rule *r, const char *what, const char *got,
			const char *const *values, int n)
{
	if (ok)
		return;
	fprintf(stderr, "line %d (%s):", r->line, what);
	for (int i = 0; i < n; i++)
		fprintf(stderr, " %s", values[i]);
	fprintf(stderr, " -> got «%s»\n", got);
	fail();
}

static void test_check_result(const struct test_rule *r, const struct workflow_result *res,
			      const char *old_estado, const char *const *values, int n)
{
	const char *verdict = test_verdict_name(res->verdict);
	char fx[64];

	test_expect(r->nres >= 1 && strcmp(r->res[0], verdict) == 0, r, "verdict", verdict, values,
		    n);
	if (res->verdict == WORKFLOW_OK) {
		const char *to = strcmp(res->to, old_estado) == 0 ? "=" : res->to;
		const char *g = res->gestion != NULL ? res->gestion : "-";

		test_expect(r->nres == 4, r, "result shape", verdict, values, n);
		test_expect(strcmp(r->res[1], to) == 0, r, "new estado", to, values, n);
		test_expect(strcmp(r->res[2], g) == 0, r, "gestion", g, values, n);
		test_effects(res->effects, fx, sizeof(fx));
		test_expect(strcmp(r->res[3], fx) == 0, r, "effects", fx, values, n);
	} else {
		test_expect(res->why[0] != '\0', r, "a reason", "", values, n);
	}
	if (r->msg != NULL)
		test_expect(strcmp(r->msg, res->why) == 0, r, "message", res->why, values, n);
}

/* Every action x estado x estado_ds x role x assigned x same lawyer: workflow_decide. */
static void test_every_step(void **state)
{
	size_t combos = 0;

	(void)state;
	for (size_t a = 0; workflow_action_at(a) != NULL; a++) {
		const struct workflow_action *act = workflow_action_at(a);

		for (size_t e = 0; e < TEST_N(test_estados); e++)
			for (size_t d = 0; d < TEST_N(test_ds); d++)
				for (size_t ro = 0; ro < TEST_N(test_roles); ro++)
					for (int as = 0; as < 2; as++)
						for (int same = 0; same < 2; same++) {
							const char *values[6] = {
							    act->name,
							    test_estados[e],
							    test_ds[d],
							    auth_role_name(test_roles[ro]),
							    as ? "si" : "no",
							    same ? "si" : "no"};
							struct workflow_case c = {
							    .action = act,
							    .estado = test_estados[e],
							    .estado_ds = test_ds[d],
							    .role = test_roles[ro],
							    .assigned = as,
							    .same_lawyer = same,
							    .numero = TEST_NUMERO,
							    .lawyer_id = TEST_LAWYER};
							struct workflow_result res;
							const struct test_rule *r =
							    test_find("paso", values, 6);

							test_expect(r != NULL,
								    &(struct test_rule){0},
								    "no line", "", values, 6);
							enum workflow_verdict v =
							    workflow_decide(&c, &res);

							assert_int_equal(v, res.verdict);
							test_check_result(r, &res, test_estados[e],
									  values, 6);
							combos++;
						}
	}
	assert_true(combos >= 7 * TEST_N(test_estados) * TEST_N(test_ds) * TEST_N(test_roles) * 4);
}

/* Every action x texto x satisfactorio x motivo x dependencia_destino x role:
 * workflow_check_input. */
static void test_every_input(void **state)
{
	static const char *const motivos[] = {"no", "blanco", "si"};

	(void)state;
	for (size_t a = 0; workflow_action_at(a) != NULL; a++) {
		const struct workflow_action *act = workflow_action_at(a);

		for (int text = 0; text < 2; text++)
			for (int sat = 0; sat < 2; sat++)
				for (size_t m = 0; m < TEST_N(motivos); m++)
					for (int dest = 0; dest < 2; dest++)
						for (size_t ro = 0; ro < TEST_N(test_roles); ro++) {
							const char *values[6] = {
							    act->name,
							    text ? "si" : "no",
							    sat ? "si" : "no",
							    motivos[m],
							    dest ? "si" : "no",
							    auth_role_name(test_roles[ro])};
							struct workflow_input in = {
							    .has_text = text,
							    .sat_given = sat,
							    .has_motivo = m > 0,
							    .has_motivo_text = m == 2,
							    .has_destino = dest};
							struct workflow_result res;
							const struct test_rule *r =
							    test_find("entrada", values, 6);
							const char *v;

							test_expect(r != NULL,
								    &(struct test_rule){0},
								    "no line", "", values, 6);
							v = test_verdict_name(workflow_check_input(
							    act, test_roles[ro], &in, &res));
							test_expect(strcmp(r->res[0], v) == 0, r,
								    "verdict", v, values, 6);
							if (r->msg != NULL)
								test_expect(
								    strcmp(r->msg, res.why) == 0, r,
								    "message", res.why, values, 6);
						}
	}
}

/* Every follow-up column: who may set it with PATCH. */
static void test_every_field(void **state)
{
	(void)state;
	for (int f = 0; f < STORE_FU_COUNT; f++) {
		const char *name = store_fu_name((enum store_fu_field)f);
		const char *values[1] = {name};
		struct test_rule *r = NULL;
		char why[WORKFLOW_MSG_LEN];
		int want = 0;

		for (int i = 0; i < test_nrules && r == NULL; i++) {
			if (strcmp(test_rules[i].kind, "campo") == 0 && test_rules[i].npat == 2 &&
			    strcmp(test_rules[i].pat[0], name) == 0)
				r = &test_rules[i];
		}
		test_expect(r != NULL, &(struct test_rule){0}, "no campo line", "", values, 1);
		r->used = 1;
		for (size_t ro = 0; ro < TEST_N(test_roles); ro++) {
			if (test_matches(r->pat[1], auth_role_name(test_roles[ro])))
				want |= test_roles[ro];
		}
		test_expect(workflow_field_roles((enum store_fu_field)f) == want, r, "roles", name,
			    values, 1);
		for (size_t ro = 0; ro < TEST_N(test_roles); ro++) {
			int allowed = (want & test_roles[ro]) != 0;

			assert_int_equal(
			    workflow_field_check((enum store_fu_field)f, test_roles[ro], name, why),
			    allowed ? 0 : -1);
		}
	}
	assert_int_equal(workflow_field_check(STORE_FU_OBSERVACIONES, AUTH_ROLE_APOYO,
					      "observaciones", (char[WORKFLOW_MSG_LEN]){0}),
			 -1);
}

/* The gestión kinds and the estados' names. */
static void test_names(void **state)
{
	const struct test_rule *r = NULL;
	size_t i;

	(void)state;
	for (int k = 0; k < test_nrules && r == NULL; k++) {
		if (strcmp(test_rules[k].kind, "gestiones") == 0)
			r = &test_rules[k];
	}
	assert_non_null(r);
	test_rules[r - test_rules].used = 1;
	for (i = 0; workflow_gestion_at(i) != NULL; i++) {
		assert_true((int)i < r->npat);
		assert_string_equal(workflow_gestion_at(i), r->pat[i]);
		assert_non_null(workflow_find(workflow_gestion_at(i)));
	}
	assert_int_equal((int)i, r->npat);
	assert_null(workflow_gestion_at(1000));
	assert_null(workflow_find("aprobacion"));
	assert_null(workflow_find(NULL));
	for (int e = 0; e < WORKFLOW_NESTADOS; e++)
		assert_int_equal(workflow_estado_parse(workflow_estado_name(e)), e);
	assert_int_equal(workflow_estado_parse("cerrado"), -1);
	assert_string_equal(workflow_estado_label(WORKFLOW_EN_REVISION), "en revisión");
	assert_string_equal(workflow_estado_label(-1), "desconocido");
}

/* Every line of the file was the first match of some combination (none is dead). */
static void test_every_line_used(void **state)
{
	(void)state;
	for (int i = 0; i < test_nrules; i++) {
		if (!test_rules[i].used)
			fprintf(stderr, "line %d never decides a case\n", test_rules[i].line);
		assert_true(test_rules[i].used);
	}
}

/* What workflow_apply writes into the follow-up. */
static void test_apply(void **state)
{
	struct workflow_case c = {.estado_ds = "vigente",
				  .role = AUTH_ROLE_DIRECTOR,
				  .numero = TEST_NUMERO,
				  .lawyer_id = TEST_LAWYER};
	struct workflow_result r;
	struct follow_up fu;
	char datos[WORKFLOW_DATOS_LEN];
	const char *now = "2024-05-02T16:45:00-05:00";

	(void)state;
	follow_up_init(&fu);
	follow_up_set(&fu, STORE_FU_ESTADO, "recibido");
	c.action = workflow_find("reparto");
	c.estado = "recibido";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, TEST_LAWYER, datos);
	assert_string_equal(fu.v[STORE_FU_ESTADO], "repartido");
	assert_string_equal(fu.v[STORE_FU_ABOGADO_ID], "7");
	assert_string_equal(fu.v[STORE_FU_FECHA_REPARTO], now);
	assert_string_equal(datos, "{\"abogado_id\":7}");
	c.estado = "repartido";
	c.lawyer_id = 9;
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, "2024-05-03T09:00:00-05:00", 0, 9, datos);
	assert_string_equal(datos, "{\"de\":7,\"a\":9}");
	assert_string_equal(fu.v[STORE_FU_FECHA_REPARTO], now); /* the clock keeps its start */
	c.action = workflow_find("devolucion");
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	assert_string_equal(fu.v[STORE_FU_DEVOLUCIONES], "2");
	assert_string_equal(fu.v[STORE_FU_ESTADO], "devuelto");
	assert_string_equal(datos, "");
	c.action = workflow_find("conclusion");
	c.estado = "en_revision";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 1, 0, datos);
	assert_string_equal(fu.v[STORE_FU_CONCLUIDO_SATISFACTORIO], "1");
	assert_string_equal(fu.v[STORE_FU_FECHA_CONCLUSION], now);
	c.action = workflow_find("reapertura");
	c.estado = "concluido";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	assert_null(fu.v[STORE_FU_CONCLUIDO_SATISFACTORIO]);
	assert_null(fu.v[STORE_FU_FECHA_CONCLUSION]);
	assert_string_equal(fu.v[STORE_FU_ESTADO], "en_revision");

	/* An outcome keeps the estado it left; reapertura goes back to it. */
	c.action = workflow_find("traslado");
	c.estado = "en_revision";
	c.dependencia_destino = "500";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	assert_string_equal(fu.v[STORE_FU_ESTADO], "trasladado");
	assert_string_equal(fu.v[STORE_FU_ESTADO_ANTERIOR], "en_revision");
	assert_string_equal(
	    datos, "{\"estado_anterior\":\"en_revision\",\"dependencia_destino\":\"500\"}");
	c.action = workflow_find("reapertura");
	c.estado = "trasladado";
	c.estado_anterior = "en_revision";
	c.dependencia_destino = NULL;
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	assert_string_equal(fu.v[STORE_FU_ESTADO], "en_revision");
	assert_null(fu.v[STORE_FU_ESTADO_ANTERIOR]);
	assert_string_equal(datos, "{\"desde\":\"trasladado\",\"a\":\"en_revision\"}");
	/* an annulment confirmed on a filing with its annulment requested, then undone */
	c.action = workflow_find("anulacion");
	c.estado = "devuelto";
	c.estado_ds = "anulacion_solicitada";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	assert_string_equal(fu.v[STORE_FU_ESTADO], "anulado");
	assert_string_equal(datos, "{\"estado_anterior\":\"devuelto\"}");
	c.action = workflow_find("reapertura");
	c.estado = "anulado";
	c.estado_anterior = "devuelto";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	assert_string_equal(r.to, "devuelto");
	/* an estado_anterior that is no open estado (a hand-edited row): back to recibido */
	c.estado_anterior = "concluido";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	assert_string_equal(r.to, "recibido");
	c.estado_anterior = "archivado";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	assert_string_equal(r.to, "recibido");
	/* a destination that is not digits never reaches datos unescaped */
	c.action = workflow_find("traslado");
	c.estado = "recibido";
	c.estado_ds = "vigente";
	c.dependencia_destino = "5\"0";
	assert_int_equal(workflow_decide(&c, &r), WORKFLOW_OK);
	workflow_apply(&r, &fu, now, 0, 0, datos);
	assert_string_equal(datos, "{\"estado_anterior\":\"recibido\"}");
	follow_up_free(&fu);
}

static int test_setup(void **state)
{
	(void)state;
	test_load();
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < test_nrules; i++)
		free(test_rules[i].text);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_step),	    cmocka_unit_test(test_every_input),
	    cmocka_unit_test(test_every_field),	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_every_line_used), cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
