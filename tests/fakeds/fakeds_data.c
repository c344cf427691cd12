/* fakeds_data.c -- the filings of the simulated document system: storage in date and
 * number order, validation of control input, numbering, and the JSON dump format. */
#include "fakeds_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeds_gen.h"
#include "sim_gen.h"
#include "fakeds_time.h"
#include "sim_json.h"
#include "sim_rand.h"
#include "util.h"

#define FAKEDS_DATA_MAX_CODE 20 /* digits of a numeric code field */

enum fakeds_data_kind {
	FAKEDS_KIND_TEXT,   /* free text */
	FAKEDS_KIND_DIGITS, /* "" or digits */
	FAKEDS_KIND_DEP,    /* a dependency code: 3 or 4 digits */
	FAKEDS_KIND_EANU    /* "", "0", "1" or "2" */
};

struct fakeds_data_field {
	const char *json;
	const char *info;
	enum fakeds_data_kind kind;
	const char *def; /* default of a new filing; NULL: decided from other fields */
	int sender;	 /* a column of the sender's row (sgd_dir_drecciones): NULL when empty */
};

static const struct fakeds_data_field fakeds_data_fields[FS_COUNT] = {
    [FS_TIPO_DOCUMENTAL] = {"tipo_documental", "TDOC_CODI", FAKEDS_KIND_DIGITS, "0", 0},
    [FS_RUTA] = {"ruta", "RADI_PATH", FAKEDS_KIND_TEXT, "", 0},
    [FS_USUARIO_ACTUAL] = {"usuario_actual", "RADI_USUA_ACTU", FAKEDS_KIND_DIGITS, "1", 0},
    [FS_DEP_ACTUAL] = {"dependencia_actual", "RADI_DEPE_ACTU", FAKEDS_KIND_DEP, NULL, 0},
    [FS_USUARIO_ANTERIOR] = {"usuario_anterior", "RADI_USU_ANTE", FAKEDS_KIND_DIGITS, "1", 0},
    [FS_DEP_ORIGEN] = {"dependencia_origen", "RADI_DEPE_RADI", FAKEDS_KIND_DEP, NULL, 0},
    [FS_ASUNTO] = {"asunto", "RA_ASUN", FAKEDS_KIND_TEXT, "", 0},
    [FS_USUARIO_RADICADOR] = {"usuario_radicador", "RADI_USUA_RADI", FAKEDS_KIND_DIGITS, "1", 0},
    [FS_CODI_NIVEL] = {"codi_nivel", "CODI_NIVEL", FAKEDS_KIND_DIGITS, "5", 0},
    [FS_DEPE_CODI] = {"depe_codi", "DEPE_CODI", FAKEDS_KIND_DIGITS, NULL, 0},
    [FS_EANU] = {"sgd_eanu_codigo", "SGD_EANU_CODIGO", FAKEDS_KIND_EANU, "", 0},
    [FS_DIR_CODIGO] = {"dir_codigo", "SGD_DIR_CODIGO", FAKEDS_KIND_DIGITS, "", 1},
    [FS_DIR_TIPO] = {"dir_tipo", "SGD_DIR_TIPO", FAKEDS_KIND_DIGITS, "1", 1},
    [FS_OEM_CODIGO] = {"oem_codigo", "SGD_OEM_CODIGO", FAKEDS_KIND_DIGITS, "", 1},
    [FS_CIU_CODIGO] = {"ciu_codigo", "SGD_CIU_CODIGO", FAKEDS_KIND_DIGITS, "", 1},
    [FS_MUNI_CODI] = {"muni_codi", "MUNI_CODI", FAKEDS_KIND_DIGITS, "1", 1},
    [FS_DPTO_CODI] = {"dpto_codi", "DPTO_CODI", FAKEDS_KIND_DIGITS, "11", 1},
    [FS_ID_PAIS] = {"id_pais", "ID_PAIS", FAKEDS_KIND_DIGITS, "170", 1},
    [FS_DIRECCION] = {"direccion", "SGD_DIR_DIRECCION", FAKEDS_KIND_TEXT, "", 1},
    [FS_TELEFONO] = {"telefono", "SGD_DIR_TELEFONO", FAKEDS_KIND_TEXT, "", 1},
    [FS_EMAIL] = {"email", "SGD_DIR_MAIL", FAKEDS_KIND_TEXT, "", 1},
    [FS_DEP_ORIGEN_NOMBRE] = {"dependencia_origen_nombre", "SGD_DIR_NOMBRE", FAKEDS_KIND_TEXT, NULL,
			      1},
    [FS_REMITENTE] = {"remitente", "SGD_DIR_NOMREMDES", FAKEDS_KIND_TEXT, "", 1},
    [FS_DOCUMENTO] = {"documento", "SGD_DIR_DOC", FAKEDS_KIND_TEXT, "", 1},
};

/* Order of the dump's text fields after numero, tipo_radicado, the dates, asunto, folios,
 * ruta and ruta_nula: segcont's data model first, then the detail-only fields. */
static const enum fakeds_str fakeds_data_dump_order[] = {
    FS_DEP_ORIGEN,
    FS_DEP_ORIGEN_NOMBRE,
    FS_DEP_ACTUAL,
    FS_REMITENTE,
    FS_EMAIL,
    FS_TIPO_DOCUMENTAL,
    FS_EANU,
    FS_USUARIO_ACTUAL,
    FS_USUARIO_ANTERIOR,
    FS_USUARIO_RADICADOR,
    FS_CODI_NIVEL,
    FS_DEPE_CODI,
    FS_DIR_CODIGO,
    FS_DIR_TIPO,
    FS_OEM_CODIGO,
    FS_CIU_CODIGO,
    FS_MUNI_CODI,
    FS_DPTO_CODI,
    FS_ID_PAIS,
    FS_DIRECCION,
    FS_TELEFONO,
    FS_DOCUMENTO,
};

/* What one JSON object said, before it is checked as a whole. */
struct fakeds_data_input {
	int has_numero, has_tipo, has_fecha, has_fecha_db, has_ruta_nula, has_estado;
	int has[FS_COUNT];
	char numero[FAKEDS_DATA_NUMERO_MAX + 1];
	char tipo_digit;
	long long epoch;
	long long db_epoch;
	long db_usec;
	const char *estado;
};

const char *fakeds_data_json_name(enum fakeds_str f)
{
	return fakeds_data_fields[f].json;
}

const char *fakeds_data_info_name(enum fakeds_str f)
{
	return fakeds_data_fields[f].info;
}

int fakeds_data_info_sender(enum fakeds_str f)
{
	return fakeds_data_fields[f].sender;
}

const char *fakeds_data_tipo(const char *numero)
{
	size_t n = strlen(numero);

	if (n == 0)
		return "";
	switch (numero[n - 1]) {
	case '1':
		return "salida";
	case '2':
		return "entrada";
	case '3':
		return "interna";
	default:
		return "otro";
	}
}

const char *fakeds_data_estado(const char *eanu)
{
	if (strcmp(eanu, "1") == 0)
		return "anulacion_solicitada";
	if (strcmp(eanu, "2") == 0)
		return "anulado";
	return "vigente";
}

void fakeds_data_init(struct fakeds_data *d, const char *office, unsigned long long seed)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	strlcpy_s(d->office, office, sizeof(d->office));
	d->seed = seed;
}

void fakeds_data_filing_free(struct fakeds_filing *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < FS_COUNT; i++)
		free(f->s[i]);
	free(f);
}

void fakeds_data_free(struct fakeds_data *d)
{
	for (size_t i = 0; i < d->count; i++)
		fakeds_data_filing_free(d->by_date[i]);
	free(d->by_date);
	free(d->by_num);
	pthread_mutex_destroy(&d->lock);
	memset(d, 0, sizeof(*d));
}

void fakeds_data_filing_set(struct fakeds_filing *f, enum fakeds_str which, const char *value)
{
	free(f->s[which]);
	f->s[which] = xstrdup(value ? value : "");
}

struct fakeds_filing *fakeds_data_filing_new(const struct fakeds_data *d)
{
	struct fakeds_filing *f = xcalloc(1, sizeof(*f));

	for (int i = 0; i < FS_COUNT; i++)
		f->s[i] = xstrdup(fakeds_data_fields[i].def ? fakeds_data_fields[i].def : "");
	fakeds_data_filing_set(f, FS_DEP_ACTUAL, d->office);
	f->folios = 1;
	f->ruta_nula = 1;
	return f;
}

static struct fakeds_filing *fakeds_data_filing_copy(const struct fakeds_filing *src)
{
	struct fakeds_filing *f = xmalloc(sizeof(*f));

	*f = *src;
	for (int i = 0; i < FS_COUNT; i++)
		f->s[i] = xstrdup(src->s[i]);
	return f;
}

int fakeds_data_numcmp(const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int fakeds_data_cmp_date(const void *pa, const void *pb)
{
	const struct fakeds_filing *a = *(struct fakeds_filing *const *)pa;
	const struct fakeds_filing *b = *(struct fakeds_filing *const *)pb;

	if (a->epoch != b->epoch)
		return a->epoch < b->epoch ? -1 : 1;
	return fakeds_data_numcmp(a->numero, b->numero);
}

static int fakeds_data_cmp_num(const void *pa, const void *pb)
{
	const struct fakeds_filing *a = *(struct fakeds_filing *const *)pa;
	const struct fakeds_filing *b = *(struct fakeds_filing *const *)pb;

	return strcmp(a->numero, b->numero);
}

int fakeds_data_insert(struct fakeds_data *d, struct fakeds_filing *f)
{
	if (d->count >= FAKEDS_DATA_MAX_FILINGS) {
		fakeds_data_filing_free(f);
		return -1;
	}
	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->by_date = xrealloc(d->by_date, d->cap * sizeof(*d->by_date));
		d->by_num = xrealloc(d->by_num, d->cap * sizeof(*d->by_num));
	}
	d->by_date[d->count] = f;
	d->by_num[d->count] = f;
	d->count++;
	return 0;
}

int fakeds_data_reindex(struct fakeds_data *d, char *err, size_t errlen)
{
	if (d->count == 0)
		return 0;
	qsort(d->by_date, d->count, sizeof(*d->by_date), fakeds_data_cmp_date);
	qsort(d->by_num, d->count, sizeof(*d->by_num), fakeds_data_cmp_num);
	for (size_t i = 1; i < d->count; i++) {
		if (strcmp(d->by_num[i - 1]->numero, d->by_num[i]->numero) == 0) {
			set_error(err, errlen, "radicado repetido: %s", d->by_num[i]->numero);
			return -1;
		}
	}
	return 0;
}

void fakeds_data_lock(struct fakeds_data *d)
{
	pthread_mutex_lock(&d->lock);
}

void fakeds_data_unlock(struct fakeds_data *d)
{
	pthread_mutex_unlock(&d->lock);
}

/* Index in by_num of numero, or -1. Caller holds the lock. */
static long fakeds_data_find_index(const struct fakeds_data *d, const char *numero)
{
	size_t lo = 0;
	size_t hi = d->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->by_num[mid]->numero, numero);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct fakeds_filing *fakeds_data_find(const struct fakeds_data *d, const char *numero)
{
	long i = fakeds_data_find_index(d, numero);

	return i < 0 ? NULL : d->by_num[i];
}

size_t fakeds_data_first_at(const struct fakeds_data *d, long long epoch)
{
	size_t lo = 0;
	size_t hi = d->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->by_date[mid]->epoch < epoch)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

json_t *fakeds_data_filing_json(const struct fakeds_filing *f)
{
	json_t *o = json_object();
	char when[SIM_TIME_LEN];

	json_object_set_new(o, "numero", json_string(f->numero));
	json_object_set_new(o, "tipo_radicado", json_string(fakeds_data_tipo(f->numero)));
	sim_time_format_iso(f->epoch, when);
	json_object_set_new(o, "fecha_radicacion", json_string(when));
	fakeds_time_format_db(f->epoch, f->usec, when);
	json_object_set_new(o, "fecha_db", json_string(when));
	json_object_set_new(o, "asunto", json_string(f->s[FS_ASUNTO]));
	json_object_set_new(o, "folios", json_integer(f->folios));
	json_object_set_new(o, "ruta", json_string(f->s[FS_RUTA]));
	json_object_set_new(o, "ruta_nula", json_boolean(f->ruta_nula));
	for (size_t i = 0; i < sizeof(fakeds_data_dump_order) / sizeof(fakeds_data_dump_order[0]);
	     i++) {
		enum fakeds_str k = fakeds_data_dump_order[i];

		json_object_set_new(o, fakeds_data_fields[k].json, json_string(f->s[k]));
		if (k == FS_EANU)
			json_object_set_new(o, "estado_ds",
					    json_string(fakeds_data_estado(f->s[FS_EANU])));
	}
	return o;
}

json_t *fakeds_data_dump(struct fakeds_data *d, const char *dependencia)
{
	json_t *list = json_array();
	json_t *root = json_object();

	fakeds_data_lock(d);
	for (size_t i = 0; i < d->count; i++) {
		const struct fakeds_filing *f = d->by_date[i];

		if (dependencia != NULL && strcmp(f->s[FS_DEP_ACTUAL], dependencia) != 0)
			continue;
		json_array_append_new(list, fakeds_data_filing_json(f));
	}
	fakeds_data_unlock(d);
	json_object_set_new(root, "filings", list);
	return root;
}

static int fakeds_data_all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

/* Text fields must be well-formed XML character data: no control characters but tab,
 * line feed and carriage return. Valid UTF-8 is already guaranteed by jansson. */
static int fakeds_data_text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
		if (*p == 0x7f)
			return 0;
	}
	return 1;
}

/* Reads a code field that may come as a JSON string, a non-negative integer or (for
 * sgd_eanu_codigo) null, into out (FAKEDS_DATA_MAX_FIELD + 1 bytes). Returns 0 or -1. */
static int fakeds_data_code_value(json_t *v, enum fakeds_data_kind kind, char *out)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -1;
		snprintf(out, FAKEDS_DATA_MAX_FIELD + 1, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	} else if (json_is_string(v)) {
		if (json_string_length(v) > FAKEDS_DATA_MAX_FIELD)
			return -1;
		strlcpy_s(out, json_string_value(v), FAKEDS_DATA_MAX_FIELD + 1);
	} else if (json_is_null(v) && kind == FAKEDS_KIND_EANU) {
		out[0] = '\0';
	} else {
		return -1;
	}
	switch (kind) {
	case FAKEDS_KIND_DIGITS:
		return fakeds_data_all_digits(out, 0, FAKEDS_DATA_MAX_CODE) ? 0 : -1;
	case FAKEDS_KIND_DEP:
		return fakeds_data_all_digits(out, 3, 4) ? 0 : -1;
	case FAKEDS_KIND_EANU:
		return (out[0] == '\0' || (strchr("012", out[0]) && out[1] == '\0')) ? 0 : -1;
	case FAKEDS_KIND_TEXT:
		break;
	}
	return -1;
}

/* Sets text field k of f from JSON value v. Returns 0 or -1 with err. */
static int fakeds_data_set_field(struct fakeds_filing *f, enum fakeds_str k, json_t *v, char *err,
				 size_t errlen)
{
	const struct fakeds_data_field *fd = &fakeds_data_fields[k];
	char code[FAKEDS_DATA_MAX_FIELD + 1];
	size_t max = k == FS_ASUNTO ? FAKEDS_DATA_MAX_ASUNTO : FAKEDS_DATA_MAX_FIELD;

	if (fd->kind != FAKEDS_KIND_TEXT) {
		if (fakeds_data_code_value(v, fd->kind, code) < 0) {
			set_error(err, errlen, "valor inválido para %s", fd->json);
			return -1;
		}
		fakeds_data_filing_set(f, k, code);
		return 0;
	}
	if (!json_is_string(v)) {
		set_error(err, errlen, "%s debe ser un texto", fd->json);
		return -1;
	}
	if (json_string_length(v) > max) {
		set_error(err, errlen, "%s supera %zu bytes", fd->json, max);
		return -1;
	}
	if (!fakeds_data_text_ok(json_string_value(v))) {
		set_error(err, errlen, "%s contiene caracteres de control", fd->json);
		return -1;
	}
	fakeds_data_filing_set(f, k, json_string_value(v));
	return 0;
}

static int fakeds_data_field_index(const char *key)
{
	for (int i = 0; i < FS_COUNT; i++) {
		if (strcmp(fakeds_data_fields[i].json, key) == 0)
			return i;
	}
	return -1;
}

/* Reads the special (non-text-table) members of one object into in. Returns 0 or -1. */
static int fakeds_data_read_special(const char *key, json_t *v, int adding,
				    struct fakeds_data_input *in, struct fakeds_filing *f,
				    char *err, size_t errlen)
{
	if (strcmp(key, "numero") == 0) {
		if (!adding)
			return 0; /* the key of an update; checked by the caller */
		if (!json_is_string(v) ||
		    !fakeds_data_all_digits(json_string_value(v), FAKEDS_DATA_NUMERO_MIN,
					    FAKEDS_DATA_NUMERO_MAX)) {
			set_error(err, errlen, "numero debe tener de %d a %d dígitos",
				  FAKEDS_DATA_NUMERO_MIN, FAKEDS_DATA_NUMERO_MAX);
			return -1;
		}
		strlcpy_s(in->numero, json_string_value(v), sizeof(in->numero));
		in->has_numero = 1;
	} else if (strcmp(key, "tipo_radicado") == 0) {
		const char *t = json_is_string(v) ? json_string_value(v) : "";

		if (!adding) {
			set_error(err, errlen, "tipo_radicado no se puede modificar");
			return -1;
		}
		if (strcmp(t, "salida") == 0)
			in->tipo_digit = '1';
		else if (strcmp(t, "entrada") == 0)
			in->tipo_digit = '2';
		else if (strcmp(t, "interna") == 0)
			in->tipo_digit = '3';
		else {
			set_error(err, errlen, "tipo_radicado debe ser salida, entrada o interna");
			return -1;
		}
		in->has_tipo = 1;
	} else if (strcmp(key, "fecha_radicacion") == 0) {
		if (!json_is_string(v) ||
		    sim_time_parse_iso(json_string_value(v), &in->epoch) < 0) {
			set_error(err, errlen,
				  "fecha_radicacion inválida: se espera AAAA-MM-DDTHH:MM:SS-05:00 "
				  "o AAAA-MM-DD HH:MM:SS");
			return -1;
		}
		in->has_fecha = 1;
	} else if (strcmp(key, "fecha_db") == 0) {
		if (!json_is_string(v) ||
		    fakeds_time_parse_db(json_string_value(v), &in->db_epoch, &in->db_usec) < 0) {
			set_error(err, errlen,
				  "fecha_db inválida: se espera AAAA-MM-DD HH:MM:SS.ffffff-05");
			return -1;
		}
		in->has_fecha_db = 1;
	} else if (strcmp(key, "folios") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > FAKEDS_DATA_MAX_FOLIOS) {
			set_error(err, errlen, "folios debe ser un entero entre 0 y %d",
				  FAKEDS_DATA_MAX_FOLIOS);
			return -1;
		}
		f->folios = (int)json_integer_value(v);
	} else if (strcmp(key, "ruta_nula") == 0) {
		if (!json_is_boolean(v)) {
			set_error(err, errlen, "ruta_nula debe ser true o false");
			return -1;
		}
		f->ruta_nula = json_is_true(v);
		in->has_ruta_nula = 1;
	} else if (strcmp(key, "estado_ds") == 0) {
		const char *e = json_is_string(v) ? json_string_value(v) : "";

		if (strcmp(e, "vigente") != 0 && strcmp(e, "anulacion_solicitada") != 0 &&
		    strcmp(e, "anulado") != 0) {
			set_error(err, errlen,
				  "estado_ds debe ser vigente, anulacion_solicitada o anulado");
			return -1;
		}
		in->estado = e;
		in->has_estado = 1;
	} else {
		set_error(err, errlen, "campo desconocido: %s", key);
		return -1;
	}
	return 0;
}

/* The largest sequence among numbers with this prefix (year + dependency) and type digit,
 * or 0. Caller holds the lock. */
static long fakeds_data_max_seq(const struct fakeds_data *d, const char *prefix, char type)
{
	size_t plen = strlen(prefix);
	long max = 0;

	for (size_t i = 0; i < d->count; i++) {
		const char *n = d->by_num[i]->numero;
		char seq[7];
		long v;

		if (strlen(n) != plen + 7 || strncmp(n, prefix, plen) != 0 || n[plen + 6] != type)
			continue;
		memcpy(seq, n + plen, 6);
		seq[6] = '\0';
		if (parse_long(seq, 0, FAKEDS_DATA_SEQ_MAX, &v) == 0 && v > max)
			max = v;
	}
	return max;
}

/* Microseconds of a filing added without fecha_db: a function of the seed and the number. */
static long fakeds_data_usec_for(const struct fakeds_data *d, const char *numero)
{
	unsigned long long h = 1469598103934665603ULL ^ d->seed;

	for (const char *p = numero; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (long)(sim_rand_mix(&h) % 1000000ULL);
}

/* Applies a JSON object to f: a fresh filing when adding, a copy when updating. Checks the
 * whole and numbers a new filing. Caller holds the lock. */
static enum fakeds_data_result fakeds_data_apply(struct fakeds_data *d, struct fakeds_filing *f,
						 json_t *obj, int adding, char *err, size_t errlen)
{
	struct fakeds_data_input in;
	const char *key;
	json_t *v;
	int had_empty_ruta = f->s[FS_RUTA][0] == '\0';

	memset(&in, 0, sizeof(in));
	if (!json_is_object(obj)) {
		set_error(err, errlen, "se espera un objeto JSON");
		return FAKEDS_DATA_BAD;
	}
	json_object_foreach(obj, key, v)
	{
		int k = fakeds_data_field_index(key);

		if (k >= 0) {
			if (fakeds_data_set_field(f, (enum fakeds_str)k, v, err, errlen) < 0)
				return FAKEDS_DATA_BAD;
			in.has[k] = 1;
		} else if (fakeds_data_read_special(key, v, adding, &in, f, err, errlen) < 0) {
			return FAKEDS_DATA_BAD;
		}
	}

	/* Dates: fecha_radicacion and fecha_db must agree when both are given. */
	if (adding && !in.has_fecha && !in.has_fecha_db) {
		set_error(err, errlen, "falta fecha_radicacion");
		return FAKEDS_DATA_BAD;
	}
	if (in.has_fecha && in.has_fecha_db && in.epoch != in.db_epoch) {
		set_error(err, errlen, "fecha_db no coincide con fecha_radicacion");
		return FAKEDS_DATA_BAD;
	}
	if (in.has_fecha_db) {
		f->epoch = in.db_epoch;
		f->usec = in.db_usec;
	} else if (in.has_fecha) {
		f->epoch = in.epoch;
	}

	/* Annulment: estado_ds is another way of saying sgd_eanu_codigo. */
	if (in.has_estado) {
		if (in.has[FS_EANU]) {
			if (strcmp(fakeds_data_estado(f->s[FS_EANU]), in.estado) != 0) {
				set_error(err, errlen, "estado_ds no coincide con sgd_eanu_codigo");
				return FAKEDS_DATA_BAD;
			}
		} else if (strcmp(in.estado, fakeds_data_estado(f->s[FS_EANU])) != 0) {
			fakeds_data_filing_set(f, FS_EANU,
					       strcmp(in.estado, "anulado") == 0   ? "2"
					       : strcmp(in.estado, "vigente") == 0 ? ""
										   : "1");
		}
	}

	/* RUTA: a path is never NULL; an empty one is NULL unless said otherwise. */
	if (f->s[FS_RUTA][0] != '\0')
		f->ruta_nula = 0;
	else if (!in.has_ruta_nula && in.has[FS_RUTA] && !had_empty_ruta)
		f->ruta_nula = 1;

	if (!adding)
		return FAKEDS_DATA_OK;

	/* A new filing: its number, and the defaults that follow from it. */
	if (in.has_numero) {
		size_t n = strlen(in.numero);

		if (in.has_tipo && in.numero[n - 1] != in.tipo_digit) {
			set_error(err, errlen,
				  "tipo_radicado no coincide con el último dígito de numero");
			return FAKEDS_DATA_BAD;
		}
		if (fakeds_data_find(d, in.numero) != NULL) {
			set_error(err, errlen, "el radicado %s ya existe", in.numero);
			return FAKEDS_DATA_CONFLICT;
		}
		if (!in.has[FS_DEP_ORIGEN] && (n == 14 || n == 15)) {
			char dep[5];

			memcpy(dep, in.numero + 4, n - 11);
			dep[n - 11] = '\0';
			fakeds_data_filing_set(f, FS_DEP_ORIGEN, dep);
		}
		strlcpy_s(f->numero, in.numero, sizeof(f->numero));
	}
	if (f->s[FS_DEP_ORIGEN][0] == '\0')
		fakeds_data_filing_set(f, FS_DEP_ORIGEN,
				       in.tipo_digit == '2' ? FAKEDS_GEN_VENTANILLA : "130");
	if (!in.has_numero) {
		char prefix[16];
		char num[48];
		char type = in.has_tipo ? in.tipo_digit : '3';
		int y, m, dd;
		long seq;

		sim_time_civil_from_days(sim_time_local_day(f->epoch), &y, &m, &dd);
		snprintf(prefix, sizeof(prefix), "%04d%s", y, f->s[FS_DEP_ORIGEN]);
		seq = fakeds_data_max_seq(d, prefix, type) + 1;
		if (seq > FAKEDS_DATA_SEQ_MAX) {
			set_error(err, errlen, "se agotó la secuencia de %s", prefix);
			return FAKEDS_DATA_BAD;
		}
		snprintf(num, sizeof(num), "%s%06ld%c", prefix, seq, type);
		strlcpy_s(f->numero, num, sizeof(f->numero)); /* 15 or 16 digits: fits */
	}
	if (!in.has[FS_DEPE_CODI])
		fakeds_data_filing_set(f, FS_DEPE_CODI, f->s[FS_DEP_ORIGEN]);
	if (!in.has[FS_DEP_ORIGEN_NOMBRE]) {
		const char *name = sim_gen_area_name(f->s[FS_DEP_ORIGEN]);

		fakeds_data_filing_set(f, FS_DEP_ORIGEN_NOMBRE, name ? name : "");
	}
	if (!in.has_fecha_db)
		f->usec = fakeds_data_usec_for(d, f->numero);
	return FAKEDS_DATA_OK;
}

/* Builds a new filing from obj (not inserted). Caller holds the lock when d is shared. */
static enum fakeds_data_result fakeds_data_build(struct fakeds_data *d, json_t *obj,
						 struct fakeds_filing **out, char *err,
						 size_t errlen)
{
	struct fakeds_filing *f = fakeds_data_filing_new(d);
	enum fakeds_data_result r;

	fakeds_data_filing_set(f, FS_DEP_ORIGEN, "");
	r = fakeds_data_apply(d, f, obj, 1, err, errlen);
	if (r != FAKEDS_DATA_OK) {
		fakeds_data_filing_free(f);
		return r;
	}
	*out = f;
	return FAKEDS_DATA_OK;
}

enum fakeds_data_result fakeds_data_add(struct fakeds_data *d, json_t *obj, json_t **out, char *err,
					size_t errlen)
{
	struct fakeds_filing *f = NULL;
	enum fakeds_data_result r;

	fakeds_data_lock(d);
	r = fakeds_data_build(d, obj, &f, err, errlen);
	if (r != FAKEDS_DATA_OK)
		goto done;
	if (fakeds_data_insert(d, f) < 0) {
		set_error(err, errlen, "el conjunto de datos está lleno");
		r = FAKEDS_DATA_BAD;
		goto done;
	}
	fakeds_data_reindex(d, NULL, 0);
	*out = fakeds_data_filing_json(f);
done:
	fakeds_data_unlock(d);
	return r;
}

/* Reads the "numero" member that names an existing filing. Returns its by_num index, or
 * -1 (bad input) / -2 (unknown) with err. Caller holds the lock. */
static long fakeds_data_target(const struct fakeds_data *d, json_t *obj, char *err, size_t errlen)
{
	json_t *n = json_is_object(obj) ? json_object_get(obj, "numero") : NULL;
	long i;

	if (!json_is_string(n)) {
		set_error(err, errlen, "falta numero");
		return -1;
	}
	i = fakeds_data_find_index(d, json_string_value(n));
	if (i < 0) {
		set_error(err, errlen, "radicado desconocido: %.*s", FAKEDS_DATA_NUMERO_MAX + 4,
			  json_string_value(n));
		return -2;
	}
	return i;
}

enum fakeds_data_result fakeds_data_update(struct fakeds_data *d, json_t *obj, json_t **out,
					   char *err, size_t errlen)
{
	struct fakeds_filing *copy;
	struct fakeds_filing *f;
	enum fakeds_data_result r;
	long i;

	fakeds_data_lock(d);
	i = fakeds_data_target(d, obj, err, errlen);
	if (i < 0) {
		r = i == -1 ? FAKEDS_DATA_BAD : FAKEDS_DATA_NOT_FOUND;
		goto done;
	}
	f = d->by_num[i];
	copy = fakeds_data_filing_copy(f);
	r = fakeds_data_apply(d, copy, obj, 0, err, errlen);
	if (r != FAKEDS_DATA_OK) {
		fakeds_data_filing_free(copy);
		goto done;
	}
	/* Swap the checked copy's contents in; the pointer stays, so both indexes hold. */
	for (int k = 0; k < FS_COUNT; k++) {
		free(f->s[k]);
		f->s[k] = copy->s[k];
		copy->s[k] = NULL;
	}
	f->epoch = copy->epoch;
	f->usec = copy->usec;
	f->folios = copy->folios;
	f->ruta_nula = copy->ruta_nula;
	fakeds_data_filing_free(copy);
	fakeds_data_reindex(d, NULL, 0);
	*out = fakeds_data_filing_json(f);
done:
	fakeds_data_unlock(d);
	return r;
}

enum fakeds_data_result fakeds_data_remove(struct fakeds_data *d, json_t *obj, json_t **out,
					   char *err, size_t errlen)
{
	struct fakeds_filing *f;
	enum fakeds_data_result r = FAKEDS_DATA_OK;
	const char *key;
	json_t *v;
	long i;

	fakeds_data_lock(d);
	if (json_is_object(obj)) {
		json_object_foreach(obj, key, v)
		{
			if (strcmp(key, "numero") != 0) {
				set_error(err, errlen, "campo desconocido: %s", key);
				r = FAKEDS_DATA_BAD;
				goto done;
			}
		}
	}
	i = fakeds_data_target(d, obj, err, errlen);
	if (i < 0) {
		r = i == -1 ? FAKEDS_DATA_BAD : FAKEDS_DATA_NOT_FOUND;
		goto done;
	}
	f = d->by_num[i];
	memmove(&d->by_num[i], &d->by_num[i + 1], (d->count - (size_t)i - 1) * sizeof(f));
	for (size_t j = 0; j < d->count; j++) {
		if (d->by_date[j] == f) {
			memmove(&d->by_date[j], &d->by_date[j + 1], (d->count - j - 1) * sizeof(f));
			break;
		}
	}
	d->count--;
	*out = fakeds_data_filing_json(f);
	fakeds_data_filing_free(f);
done:
	fakeds_data_unlock(d);
	return r;
}

int fakeds_data_load_file(struct fakeds_data *d, const char *path, char *err, size_t errlen)
{
	json_t *root = NULL;
	json_t *list;
	size_t i;
	json_t *item;

	root = sim_json_load_file(path, FAKEDS_DATA_MAX_FILE, err, errlen);
	if (root == NULL)
		goto fail;
	list = json_object_get(root, "filings");
	if (!json_is_object(root) || json_object_size(root) != 1 || !json_is_array(list)) {
		set_error(err, errlen, "%s: se espera {\"filings\": [...]}", path);
		goto fail;
	}
	json_array_foreach(list, i, item)
	{
		struct fakeds_filing *f;
		char why[256];

		if (fakeds_data_build(d, item, &f, why, sizeof(why)) != FAKEDS_DATA_OK) {
			set_error(err, errlen, "%s: radicado %zu: %s", path, i + 1, why);
			goto fail;
		}
		if (fakeds_data_insert(d, f) < 0) {
			set_error(err, errlen, "%s: demasiados radicados", path);
			goto fail;
		}
	}
	/* One sort at the end; it also finds the repeated numbers that the per-item check
	 * (a search over a not yet sorted index) may have missed. */
	if (fakeds_data_reindex(d, err, errlen) < 0)
		goto fail;
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	return -1;
}
