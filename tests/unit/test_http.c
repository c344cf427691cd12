/* test_http.c -- unit tests of http_req.c without a server: an answer that cannot be built is
 * a 500 JSON error (never an empty body), the failure exit, stored text repaired to UTF-8,
 * and the route spec's query and body checks (status, codigo and message of each refusal);
 * and the thread's memo of Authorization headers (http_cache.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "mapping.h"

static void test_req_init(struct http_request *req)
{
	memset(req, 0, sizeof(*req));
	req->route = -1;
	req->method = "GET";
	buf_init(&req->out);
	buf_init(&req->body);
	buf_init(&req->canon);
}

static void test_req_free(struct http_request *req)
{
	buf_free(&req->out);
	buf_free(&req->body);
	buf_free(&req->canon);
	json_decref(req->json);
	req->json = NULL;
}

/* The answer's error codigo and mensaje (asserting the body is such a JSON error). */
static void test_error_of(const struct http_request *req, int status, const char *codigo,
			  const char *mensaje)
{
	json_t *j = json_loadb(req->out.data, req->out.len, 0, NULL);
	json_t *e = json_object_get(j, "error");

	if (req->status != status || e == NULL ||
	    strcmp(json_string_value(json_object_get(e, "codigo")), codigo) != 0 ||
	    (mensaje != NULL &&
	     strcmp(json_string_value(json_object_get(e, "mensaje")), mensaje) != 0))
		print_error("got %d %s, want %d %s «%s»\n", req->status,
			    req->out.data != NULL ? req->out.data : "(nothing)", status, codigo,
			    mensaje != NULL ? mensaje : "*");
	assert_int_equal(req->status, status);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "codigo")), codigo);
	assert_non_null(json_string_value(json_object_get(e, "mensaje")));
	if (mensaje != NULL)
		assert_string_equal(json_string_value(json_object_get(e, "mensaje")), mensaje);
	assert_string_equal(req->content_type, HTTP_JSON_TYPE);
	json_decref(j);
}

/* An answer that cannot be built -- no object, or a message json refuses (cut inside a
 * UTF-8 character) -- is the 500 of the failure exit, with a body. */
static void test_unbuildable_answer(void **state)
{
	struct http_request req;

	(void)state;
	test_req_init(&req);
	http_req_json(&req, 200, NULL);
	test_error_of(&req, 500, "error_interno",
		      "no se pudo construir la respuesta; vea el registro del servicio");
	test_req_free(&req);

	test_req_init(&req);
	http_req_json(&req, 503, json_pack("{s:s}", "mensaje", "degradada desde \xc3"));
	test_error_of(&req, 500, "error_interno", NULL);
	assert_int_equal(req.retry_after, 0);
	test_req_free(&req);

	/* an error whose own message is not UTF-8 keeps its status and codigo */
	test_req_init(&req);
	http_req_error(&req, 422, "valor_invalido", "corte \xe2\x82");
	test_error_of(&req, 422, "valor_invalido", "solicitud inválida");
	test_req_free(&req);
}

/* The failure exit without a database, and its two messages. */
static void test_fail_exit(void **state)
{
	struct http_request req;

	(void)state;
	test_req_init(&req);
	http_req_store_error(&req, NULL);
	test_error_of(&req, 500, "error_interno",
		      "error interno al acceder a la base de datos; vea el registro del servicio");
	assert_int_equal(req.retry_after, 0);
	assert_null(strstr(req.out.data, "sin base de datos")); /* the cause: the log only */
	test_req_free(&req);

	test_req_init(&req);
	http_req_internal_error(&req, NULL, "SELECT secreto FROM x");
	test_error_of(&req, 500, "error_interno",
		      "error interno del servicio; vea el registro del servicio");
	assert_null(strstr(req.out.data, "SELECT"));
	test_req_free(&req);

	test_req_init(&req);
	http_req_indicators_error(&req, NULL, INDICATORS_BAD_DATE, "desde mal");
	test_error_of(&req, 422, "fecha_invalida", "desde mal");
	test_req_free(&req);
}

/* Stored text that is not UTF-8 (a message cut inside a character) still makes JSON. */
static void test_text_repair(void **state)
{
	json_t *j;

	(void)state;
	j = http_req_text(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
	j = http_req_text("");
	assert_true(json_is_null(j));
	json_decref(j);
	j = http_req_text("tiempo agotado en la conexi\xc3\xb3n");
	assert_string_equal(json_string_value(j), "tiempo agotado en la conexi\xc3\xb3n");
	json_decref(j);
	j = http_req_text("conexi\xc3");
	assert_string_equal(json_string_value(j), "conexi?");
	json_decref(j);
	j = http_req_text("a\xff\xfe"
			  "b\xe2\x82\xac\xe2\x82");
	assert_string_equal(json_string_value(j), "a??b\xe2\x82\xac??");
	json_decref(j);
}

/* ---- The query spec */

static const char *const test_colors[] = {"rojo", "verde", "ocre", NULL};
static const struct http_arg test_args[] = {
    {.name = "n", .type = HTTP_ARG_INT, .min = 1, .max = 50},
    {.name = "color", .type = HTTP_ARG_ENUM, .values = test_colors},
    {.name = "desde", .type = HTTP_ARG_DATE},
    {.name = "hasta", .type = HTTP_ARG_DATE, .not_before = "desde"},
    {.name = "q", .type = HTTP_ARG_TEXT, .max = 10, .max_words = 2},
    {.name = "anio",
     .type = HTTP_ARG_INT,
     .min = 1984,
     .max = 9999,
     .status = 400,
     .msg = "anio debe ser un año"},
    {.name = NULL},
};

/* Checks the query key=value pairs (NULL-terminated) against test_args; returns the rc. */
static int test_query(struct http_request *req, const char *const *kv)
{
	test_req_init(req);
	for (int i = 0; kv[i] != NULL; i += 2)
		http_req_arg(req, test_args, kv[i], kv[i + 1]);
	return http_req_args_check(req, test_args);
}

static void test_query_refused(const char *const *kv, int status, const char *codigo,
			       const char *mensaje)
{
	struct http_request req;

	assert_int_equal(test_query(&req, kv), -1);
	test_error_of(&req, status, codigo, mensaje);
	test_req_free(&req);
}

static void test_query_spec(void **state)
{
	struct http_request req;

	(void)state;
	assert_int_equal(test_query(&req, (const char *const[]){"n", "7", "color", "verde", "desde",
								"1984-01-01", "hasta", "2099-12-31",
								"q", "a b", NULL}),
			 0);
	assert_int_equal(req.arg_num[0], 7);
	assert_int_equal(req.arg_num[1], 1);
	assert_string_equal(req.arg[3], "2099-12-31");
	assert_string_equal(req.canon.data,
			    "n=7&color=verde&desde=1984-01-01&hasta=2099-12-31&q=a b&");
	test_req_free(&req);
	/* an empty value reads as absent */
	assert_int_equal(test_query(&req, (const char *const[]){"n", "", NULL}), 0);
	assert_null(req.arg[0]);
	test_req_free(&req);

	test_query_refused((const char *const[]){"x", "1", NULL}, 400, "parametro_desconocido",
			   "parámetro desconocido «x»");
	test_query_refused((const char *const[]){"n", "1", "n", "2", NULL}, 400,
			   "parametro_invalido", "el parámetro «n» aparece más de una vez");
	test_query_refused((const char *const[]){"q", "\xff", NULL}, 400, "parametro_invalido",
			   "el parámetro «q» no es UTF-8 válido");
	test_query_refused((const char *const[]){"n", "-1", NULL}, 400, "parametro_invalido",
			   "«n» debe ser un número entero");
	test_query_refused((const char *const[]){"n", "51", NULL}, 422, "valor_invalido",
			   "«n» debe estar entre 1 y 50");
	test_query_refused((const char *const[]){"n", "9999999999999999999999", NULL}, 422,
			   "valor_invalido", "«n» debe estar entre 1 y 50");
	test_query_refused((const char *const[]){"color", "azul", NULL}, 422, "valor_invalido",
			   "«color» debe ser rojo, verde u ocre");
	test_query_refused((const char *const[]){"desde", "2024-02-30", NULL}, 422,
			   "fecha_invalida", "«desde» debe ser una fecha real AAAA-MM-DD");
	/* dates beyond the sane range (the calendar's years, less a margin) */
	test_query_refused((const char *const[]){"hasta", "9999-12-31", NULL}, 422,
			   "fecha_invalida", "«hasta» debe estar entre 1984-01-01 y 2099-12-31");
	test_query_refused((const char *const[]){"desde", "0001-01-01", NULL}, 422,
			   "fecha_invalida", "«desde» debe estar entre 1984-01-01 y 2099-12-31");
	test_query_refused((const char *const[]){"hasta", "2100-01-01", NULL}, 422,
			   "fecha_invalida", NULL);
	test_query_refused((const char *const[]){"desde", "1983-12-31", NULL}, 422,
			   "fecha_invalida", NULL);
	test_query_refused(
	    (const char *const[]){"desde", "2024-05-01", "hasta", "2024-04-01", NULL}, 422,
	    "fecha_invalida", "«desde» es posterior a «hasta»");
	test_query_refused((const char *const[]){"q", "a b c", NULL}, 422, "valor_invalido",
			   "«q» admite hasta 10 bytes y 2 palabras");
	test_query_refused((const char *const[]){"q", "abcdefghijk", NULL}, 422, "valor_invalido",
			   "«q» admite hasta 10 bytes y 2 palabras");
	test_query_refused((const char *const[]){"anio", "99999", NULL}, 400, "parametro_invalido",
			   "anio debe ser un año");
	test_query_refused((const char *const[]){"anio", "20x5", NULL}, 400, "parametro_invalido",
			   "anio debe ser un año");
}

/* ---- The body spec */

static const char *const test_kinds[] = {"uno", "dos", NULL};
static const char *const test_refused[] = {"estado", NULL};
static const struct http_field test_fields[] = {
    {.name = "version", .type = HTTP_T_INT, .required = 1, .hint = "la que leyó", .min = 1},
    {.name = "tipo", .type = HTTP_T_STRING, .nullable = 1, .values = test_kinds},
    {.name = "objeto", .type = HTTP_T_STRING, .nullable = 1, .follow_up = 1, .max_len = 5},
    {.name = "observaciones", .type = HTTP_T_STRING, .nullable = 1, .follow_up = 1},
    {.name = "valor", .type = HTTP_T_INT, .nullable = 1, .follow_up = 1},
    {.name = "fecha_rp", .type = HTTP_T_STRING, .nullable = 1, .follow_up = 1, .date = 1},
    {.name = "publicado_secop", .type = HTTP_T_BOOL, .follow_up = 1},
    {.name = "lista", .type = HTTP_T_ARRAY, .min = 1, .max_items = 2},
    {.name = NULL},
};
static const struct http_body test_body = {
    .fields = test_fields,
    .refused = test_refused,
    .refused_why = "no se cambia aquí",
    .need_one_besides = "version",
};

static int test_body_rc(struct http_request *req, const char *json, int role)
{
	test_req_init(req);
	req->role = role;
	buf_puts(&req->body, json);
	return http_req_body_check(req, &test_body);
}

static void test_body_refused(const char *json, int role, int status, const char *codigo,
			      const char *mensaje)
{
	struct http_request req;

	assert_int_equal(test_body_rc(&req, json, role), -1);
	test_error_of(&req, status, codigo, mensaje);
	test_req_free(&req);
}

static void test_body_spec(void **state)
{
	struct http_request req;
	const int dir = AUTH_ROLE_DIRECTOR;

	(void)state;
	assert_int_equal(
	    test_body_rc(&req, "{\"version\": 3, \"tipo\": \"dos\", \"objeto\": null}", dir), 0);
	assert_int_equal(json_integer_value(req.field[0]), 3);
	assert_int_equal(req.field_enum[1], 1);
	assert_true(json_is_null(req.field[2]));
	assert_null(req.field[3]);
	test_req_free(&req);
	/* apoyo sets contract data, not the case's */
	assert_int_equal(test_body_rc(&req, "{\"version\": 3, \"objeto\": \"x\"}", AUTH_ROLE_APOYO),
			 0);
	test_req_free(&req);

	test_body_refused("", dir, 400, "cuerpo_requerido", NULL);
	test_body_refused("{\"version\": 3,", dir, 400, "json_invalido", NULL);
	test_body_refused("[1]", dir, 400, "json_invalido", "el cuerpo debe ser un objeto JSON");
	test_body_refused("{\"a\": 1, \"a\": 2}", dir, 400, "json_invalido", NULL);
	test_body_refused("{\"version\": 3, \"color\": 1}", dir, 400, "campo_desconocido",
			  "campo desconocido «color»");
	test_body_refused("{\"version\": 3, \"estado\": 1}", dir, 400, "campo_no_editable",
			  "«estado» no se cambia aquí");
	test_body_refused("{\"version\": \"3\", \"tipo\": \"uno\"}", dir, 400, "tipo_invalido",
			  "«version» debe ser un número entero");
	test_body_refused("{\"version\": 3, \"tipo\": 5}", dir, 400, "tipo_invalido",
			  "«tipo» debe ser un texto o null");
	test_body_refused("{\"version\": 3, \"publicado_secop\": null}", dir, 400, "tipo_invalido",
			  "«publicado_secop» debe ser true o false");
	test_body_refused("{\"tipo\": \"uno\"}", dir, 400, "campo_requerido",
			  "falta «version»: la que leyó");
	test_body_refused("{\"version\": 3}", dir, 400, "cuerpo_sin_campos",
			  "no hay campos que cambiar");
	test_body_refused("{\"version\": 3, \"observaciones\": \"x\"}", AUTH_ROLE_APOYO, 403,
			  "rol_no_autorizado",
			  "el rol apoyo solo registra datos del contrato y de legalización; "
			  "«observaciones» no es uno de ellos");
	test_body_refused("{\"version\": 0, \"tipo\": \"uno\"}", dir, 422, "valor_invalido",
			  "«version» debe ser un entero positivo");
	test_body_refused("{\"version\": 3, \"valor\": -1}", dir, 422, "valor_invalido",
			  "«valor» no puede ser negativo");
	test_body_refused("{\"version\": 3, \"valor\": 9007199254740992}", dir, 422,
			  "valor_invalido", "«valor» es demasiado grande");
	test_body_refused("{\"version\": 3, \"tipo\": \"tres\"}", dir, 422, "valor_invalido",
			  "«tipo» debe ser uno o dos");
	test_body_refused("{\"version\": 3, \"objeto\": \"123456\"}", dir, 422, "valor_invalido",
			  "«objeto» admite hasta 5 bytes");
	test_body_refused("{\"version\": 3, \"fecha_rp\": \"2023-02-29\"}", dir, 422,
			  "fecha_invalida",
			  "«fecha_rp» debe ser una fecha real AAAA-MM-DD (o null)");
	/* a list: its type, then how many items (the items are the handler's) */
	assert_int_equal(test_body_rc(&req, "{\"version\": 3, \"lista\": [1, \"a\"]}", dir), 0);
	assert_int_equal(json_array_size(req.field[7]), 2);
	test_req_free(&req);
	test_body_refused("{\"version\": 3, \"lista\": \"x\"}", dir, 400, "tipo_invalido",
			  "«lista» debe ser una lista");
	test_body_refused("{\"version\": 3, \"lista\": null}", dir, 400, "tipo_invalido",
			  "«lista» debe ser una lista");
	test_body_refused("{\"version\": 3, \"lista\": []}", dir, 422, "valor_invalido",
			  "«lista» debe tener entre 1 y 2 elementos (tiene 0)");
	test_body_refused("{\"version\": 3, \"lista\": [1, 2, 3]}", dir, 422, "valor_invalido",
			  "«lista» debe tener entre 1 y 2 elementos (tiene 3)");
}

/* util_date_add, which gives the list its hasta + 1 day: strict form, bounded years. */
static void test_date_add(void **state)
{
	static const char *const bad[] = {" 999-01-01", "+999-01-01",  "2024-1-011", "2024/01/01",
					  "2024-02-30", "9999-12-31x", "",	     NULL};
	char out[11];

	(void)state;
	assert_int_equal(util_date_add("9998-12-31", 1, out), 0);
	assert_string_equal(out, "9999-01-01");
	assert_int_equal(util_date_add("9999-12-31", 1, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(util_date_add("1984-01-01", -1, out), 0);
	assert_string_equal(out, "1983-12-31");
	for (int i = 0; bad[i] != NULL; i++) {
		assert_int_equal(util_date_add(bad[i], 0, out), -1);
		assert_string_equal(out, "");
	}
	assert_int_equal(util_date_add(NULL, 0, out), -1);
}

/* The path's filing number (http_api_numero_check): whatever the mapping's "numero" admits,
 * else the Spanish message of the 404 says what is wrong and the form expected; without a
 * mapping, letters, digits and hyphens up to HTTP_API_NUMERO_MAX. */
static void test_numero_path(void **state)
{
	static const struct {
		int map; /* 0 none, 1 orfeo-soap, 2 pattern */
		const char *numero;
		const char *msg; /* NULL: admitted */
	} cases[] = {
	    {1, "20201300124633", NULL},
	    {1, "2024342000001231", NULL},
	    {1, "1-2021-23677",
	     "número de radicado inválido: «1-2021-23677» no tiene la forma de los números de "
	     "este sistema documental (de 14 a 16 dígitos)"},
	    {1, "1111111111111111111111111111111111111111",
	     "número de radicado inválido: «1111111111111111111111111111111111111111» no tiene la "
	     "forma de los números de este sistema documental (de 14 a 16 dígitos)"},
	    {1, "\xff\xfe",
	     "número de radicado inválido: no tiene la forma de los números de este sistema "
	     "documental (de 14 a 16 dígitos)"},
	    {1, "",
	     "número de radicado inválido: no tiene la forma de los números de este sistema "
	     "documental (de 14 a 16 dígitos)"},
	    {2, "20201300124633", NULL},
	    {2, "1-2021-23677", NULL},
	    {2, "3-2024-17052", NULL},
	    {2, "2021EE7835", NULL},
	    {2, "2024ER7835", NULL},
	    {2, "2021ee7835",
	     "número de radicado inválido: «2021ee7835» no tiene la forma de los números de este "
	     "sistema documental (hasta 24 caracteres con la forma de numero.pattern del mapeo)"},
	    {2, "1-2021-23677' OR '1'='1",
	     "número de radicado inválido: «1-2021-23677' OR '1'='1» no tiene la forma de los "
	     "números de este sistema documental (hasta 24 caracteres con la forma de "
	     "numero.pattern del mapeo)"},
	    {2, "../1-2021-23677",
	     "número de radicado inválido: «../1-2021-23677» no tiene la forma "
	     "de los números de este sistema documental (hasta 24 caracteres "
	     "con la forma de numero.pattern del mapeo)"},
	    {0, "1-2021-23677", NULL},
	    {0, "2021EE7835", NULL},
	    {0, "20201300124633", NULL},
	    {0, "11111111112222222222333333333344444444445555555555666666666677777",
	     "número de radicado inválido: no tiene la forma de los números de este sistema "
	     "documental (letras, dígitos y guiones, hasta 64 caracteres)"},
	    {0, "2021 EE7835",
	     "número de radicado inválido: «2021 EE7835» no tiene la forma de los números de este "
	     "sistema documental (letras, dígitos y guiones, hasta 64 caracteres)"},
	    {0, "1.2021",
	     "número de radicado inválido: «1.2021» no tiene la forma de los números "
	     "de este sistema documental (letras, dígitos y guiones, hasta 64 "
	     "caracteres)"},
	    {0, "ñ",
	     "número de radicado inválido: «ñ» no tiene la forma de los números de este "
	     "sistema documental (letras, dígitos y guiones, hasta 64 caracteres)"},
	};
	char err[512] = "";
	struct mapping *maps[3] = {NULL, NULL, NULL};

	(void)state;
	maps[1] = mapping_load("mappings/orfeo-soap.json", err, sizeof(err));
	if (maps[1] == NULL)
		fail_msg("orfeo-soap.json: %s (run from the repo root)", err);
	maps[2] = mapping_load("tests/data/mappings/soap-otros-numeros.json", err, sizeof(err));
	if (maps[2] == NULL)
		fail_msg("soap-otros-numeros.json: %s", err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[HTTP_MSG_LEN] = "";
		int rc =
		    http_api_numero_check(maps[cases[i].map], cases[i].numero, msg, sizeof(msg));

		if (rc != (cases[i].msg == NULL ? 0 : -1) ||
		    (cases[i].msg != NULL && strcmp(msg, cases[i].msg) != 0))
			fail_msg("case %zu «%s»: %d «%s»", i, cases[i].numero, rc, msg);
	}
	/* 64 bytes is the fallback's bound. */
	{
		char msg[HTTP_MSG_LEN];
		char n[HTTP_API_NUMERO_MAX + 2];

		memset(n, '7', HTTP_API_NUMERO_MAX);
		n[HTTP_API_NUMERO_MAX] = '\0';
		assert_int_equal(http_api_numero_check(NULL, n, msg, sizeof(msg)), 0);
		strcat(n, "7");
		assert_int_equal(http_api_numero_check(NULL, n, msg, sizeof(msg)), -1);
	}
	mapping_free(maps[1]);
	mapping_free(maps[2]);
}

/* The thread's memo of Authorization headers gives what auth_parse_header gives, the
 * second time as the first; refusals are not kept; more headers than it holds evict. */
static void test_token_memo(void **state)
{
	struct http_thread *th = http_cache_thread();
	char want[AUTH_HASH_LEN + 1];
	char got[AUTH_HASH_LEN + 1];
	char hdr[HTTP_API_AUTH_CACHE + 2][AUTH_HEADER_MAX + 8];
	char token[AUTH_TOKEN_LEN + 1];
	char tmp[AUTH_HASH_LEN + 1];

	(void)state;
	for (int i = 0; i < HTTP_API_AUTH_CACHE + 2; i++) {
		auth_token_new(token, tmp);
		snprintf(hdr[i], sizeof(hdr[i]), "Bearer %s", token);
	}
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < HTTP_API_AUTH_CACHE + 2; i++) {
			assert_int_equal(auth_parse_header(hdr[i], want), AUTH_OK);
			assert_int_equal(http_cache_token_hash(th, hdr[i], got), AUTH_OK);
			assert_string_equal(got, want);
		}
	}
	/* A refusal, again and again; absent; too long. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(http_cache_token_hash(th, "Bearer sgc_corto", got), AUTH_INVALID);
		assert_int_equal(http_cache_token_hash(th, "Basic dXNlcjpwdw==", got),
				 AUTH_MISSING);
		assert_int_equal(http_cache_token_hash(th, NULL, got), AUTH_MISSING);
	}
	memset(hdr[0], 'a', AUTH_HEADER_MAX + 4);
	memcpy(hdr[0], "Bearer ", 7);
	hdr[0][AUTH_HEADER_MAX + 4] = '\0';
	assert_int_equal(http_cache_token_hash(th, hdr[0], got), AUTH_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unbuildable_answer), cmocka_unit_test(test_fail_exit),
	    cmocka_unit_test(test_text_repair),	       cmocka_unit_test(test_query_spec),
	    cmocka_unit_test(test_body_spec),	       cmocka_unit_test(test_date_add),
	    cmocka_unit_test(test_numero_path),	       cmocka_unit_test(test_token_memo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
