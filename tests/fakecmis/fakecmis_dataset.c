/* fakecmis_dataset.c -- the JSON forms of the repository's objects and their checked reading:
 * every member known, typed and bounded, text without control characters, dates as segcont
 * writes them (ISO 8601) or as the repository keeps them (epoch ms). */
#include "fakecmis_dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecmis_numero.h"
#include "fakecmis_time.h"
#include "util.h"

#define FAKECMIS_DATASET_MAX_CODE 20		 /* digits of tipo_documental */
#define FAKECMIS_DATASET_MAX_MS 32503680000000LL /* 3000-01-01 in epoch ms */
#define FAKECMIS_DATASET_MAX_BYTES (1LL << 40)	 /* cmis:contentStreamLength */
#define FAKECMIS_DATASET_DEFAULT_MIME "application/pdf"

json_t *fakecmis_dataset_filing_json(const struct fakecmis_object *o)
{
	json_t *j = json_object();
	char when[SIM_TIME_LEN];
	char *joined = fakecmis_object_remitente_joined(o);
	json_t *cmis_rem;

	json_object_set_new(j, "numero", json_string(o->s[FT_NUMERO]));
	json_object_set_new(j, "tipo_radicado", json_string(fakecmis_tipo_name(o->tipo)));
	sim_time_format_iso(o->fecha, when);
	json_object_set_new(j, "fecha_radicacion", json_string(when));
	json_object_set_new(j, "asunto", json_string(o->s[FT_ASUNTO]));
	json_object_set_new(j, "folios", json_integer(o->folios));
	json_object_set_new(j, "dependencia_origen", json_string(o->s[FT_DEP_RADICADORA]));
	json_object_set_new(j, "dependencia_actual", json_string(o->s[FT_DEP_ACTUAL]));
	json_object_set_new(j, "remitente", json_string(joined));
	json_object_set_new(j, "tipo_documental", json_string(o->s[FT_TIPO_DOCUMENTAL]));
	json_object_set_new(j, "estado_ds", json_string(fakecmis_estado_name(o->estado)));
	json_object_set_new(j, "object_id", json_string(o->id));
	if (o->remitente_multi) {
		cmis_rem = json_array();
		for (size_t i = 0; i < o->n_remitentes; i++)
			json_array_append_new(cmis_rem, json_string(o->remitentes[i]));
	} else {
		cmis_rem = json_string(joined);
	}
	json_object_set_new(j, "remitente_cmis", cmis_rem);
	json_object_set_new(j, "creado_ms", json_integer(o->created_ms));
	json_object_set_new(j, "modificado_ms", json_integer(o->modified_ms));
	free(joined);
	return j;
}

json_t *fakecmis_dataset_other_json(const struct fakecmis_object *o)
{
	json_t *j = json_object();

	json_object_set_new(j, "object_id", json_string(o->id));
	json_object_set_new(j, "tipo", json_string(fakecmis_kind_type_id(o->kind)));
	json_object_set_new(j, "nombre", json_string(o->s[FT_NAME]));
	json_object_set_new(j, "creado_ms", json_integer(o->created_ms));
	json_object_set_new(j, "modificado_ms", json_integer(o->modified_ms));
	if (o->kind == FAKECMIS_FOLDER) {
		json_object_set_new(j, "ruta", json_string(o->s[FT_PATH]));
		json_object_set_new(j, "padre", json_string(o->s[FT_PARENT]));
		return j;
	}
	if (o->kind == FAKECMIS_ANEXO)
		json_object_set_new(j, "numero", json_string(o->s[FT_NUMERO]));
	json_object_set_new(j, "mime", json_string(o->s[FT_MIME]));
	json_object_set_new(j, "bytes", json_integer(o->length));
	return j;
}

json_t *fakecmis_dataset_json(const struct fakecmis_object *o)
{
	return o->kind == FAKECMIS_RADICADO ? fakecmis_dataset_filing_json(o)
					    : fakecmis_dataset_other_json(o);
}

int fakecmis_dataset_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > FAKECMIS_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      strchr("-_.:", c) != NULL))
			return 0;
	}
	return 1;
}

int fakecmis_dataset_kind(json_t *obj, char *err, size_t errlen)
{
	json_t *t;
	int k;

	if (!json_is_object(obj)) {
		set_error(err, errlen, "se espera un objeto JSON");
		return -1;
	}
	t = json_object_get(obj, "tipo");
	if (t == NULL)
		return FAKECMIS_RADICADO;
	k = json_is_string(t) ? fakecmis_kind_named(json_string_value(t)) : -1;
	if (k < 0)
		set_error(err, errlen,
			  "tipo debe ser sgd:radicado, cmis:folder, cmis:document o "
			  "sgd:anexo");
	return k;
}

/* Text must be plain: no control characters but tab, line feed and carriage return (valid
 * UTF-8 is already guaranteed by jansson). */
static int fakecmis_dataset_text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			return 0;
	}
	return 1;
}

static int fakecmis_dataset_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return 0;
	return strspn(s, "0123456789") == n;
}

/* Reads a text member into field t of o. Returns 0 or -1 with err. */
static int fakecmis_dataset_text(struct fakecmis_object *o, enum fakecmis_text t, const char *key,
				 json_t *v, size_t max, char *err, size_t errlen)
{
	if (!json_is_string(v)) {
		set_error(err, errlen, "%s debe ser un texto", key);
		return -1;
	}
	if (json_string_length(v) > max) {
		set_error(err, errlen, "%s supera %zu bytes", key, max);
		return -1;
	}
	if (!fakecmis_dataset_text_ok(json_string_value(v))) {
		set_error(err, errlen, "%s contiene caracteres de control", key);
		return -1;
	}
	fakecmis_object_set(o, t, json_string_value(v));
	return 0;
}

/* Reads a dependency code (3 or 4 digits). */
static int fakecmis_dataset_dep(struct fakecmis_object *o, enum fakecmis_text t, const char *key,
				json_t *v, char *err, size_t errlen)
{
	if (!json_is_string(v) || !fakecmis_dataset_digits(json_string_value(v), 3, 4)) {
		set_error(err, errlen, "%s debe ser un código de 3 o 4 dígitos", key);
		return -1;
	}
	fakecmis_object_set(o, t, json_string_value(v));
	return 0;
}

/* Reads epoch milliseconds. */
static int fakecmis_dataset_ms(json_t *v, const char *key, long long *out, char *err, size_t errlen)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > FAKECMIS_DATASET_MAX_MS) {
		set_error(err, errlen, "%s debe ser un entero de milisegundos desde 1970", key);
		return -1;
	}
	*out = (long long)json_integer_value(v);
	return 0;
}

/* Reads sgd:remitente as a text (one value) or a list of texts (multi-valued) into the
 * values of o. Returns 0 or -1. */
static int fakecmis_dataset_remitente(struct fakecmis_object *o, const char *key, json_t *v,
				      char *err, size_t errlen)
{
	const char *values[FAKECMIS_MAX_REMITENTES];
	size_t i;
	json_t *item;

	if (json_is_string(v)) {
		if (json_string_length(v) > FAKECMIS_MAX_FIELD ||
		    !fakecmis_dataset_text_ok(json_string_value(v))) {
			set_error(err, errlen,
				  "%s: texto de más de %d bytes o con caracteres de "
				  "control",
				  key, FAKECMIS_MAX_FIELD);
			return -1;
		}
		values[0] = json_string_value(v);
		fakecmis_object_set_remitentes(o, values, values[0][0] != '\0', 0);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > FAKECMIS_MAX_REMITENTES) {
		set_error(err, errlen, "%s debe ser un texto o una lista de hasta %d textos", key,
			  FAKECMIS_MAX_REMITENTES);
		return -1;
	}
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item) || json_string_length(item) == 0 ||
		    json_string_length(item) > FAKECMIS_MAX_FIELD ||
		    !fakecmis_dataset_text_ok(json_string_value(item)) ||
		    strstr(json_string_value(item), "; ") != NULL) {
			set_error(err, errlen,
				  "%s[%zu] debe ser un texto no vacío, sin \"; \" y de hasta %d "
				  "bytes",
				  key, i, FAKECMIS_MAX_FIELD);
			return -1;
		}
		values[i] = json_string_value(item);
	}
	fakecmis_object_set_remitentes(o, values, json_array_size(v), 1);
	return 0;
}

/* Reads a filing's member key. Returns 0 or -1 with err. */
static int fakecmis_dataset_filing_member(struct fakecmis_object *o, const char *key, json_t *v,
					  enum fakecmis_dataset_mode mode,
					  struct fakecmis_dataset_input *in, char *err,
					  size_t errlen)
{
	int fresh = mode != FAKECMIS_READ_UPDATE;
	int e;

	if (strcmp(key, "numero") == 0 || strcmp(key, "object_id") == 0) {
		if (!fresh)
			return 0; /* the key of an update, read by the repository */
		if (key[0] == 'n') {
			if (!json_is_string(v) || !fakecmis_numero_valid(json_string_value(v))) {
				set_error(err, errlen,
					  "numero debe tener de 1 a 32 letras, dígitos "
					  "o guiones");
				return -1;
			}
			fakecmis_object_set(o, FT_NUMERO, json_string_value(v));
			in->has_numero = 1;
			return 0;
		}
		if (!json_is_string(v) || !fakecmis_dataset_id_ok(json_string_value(v))) {
			set_error(err, errlen,
				  "object_id inválido (hasta %d letras, dígitos o "
				  "-_.:)",
				  FAKECMIS_ID_MAX);
			return -1;
		}
		strlcpy_s(in->id, json_string_value(v), sizeof(in->id));
		in->has_id = 1;
		return 0;
	}
	if (strcmp(key, "tipo") == 0)
		return 0; /* sgd:radicado, checked by fakecmis_dataset_kind */
	if (strcmp(key, "tipo_radicado") == 0) {
		const char *t = json_is_string(v) ? json_string_value(v) : "";

		if (!fresh) {
			set_error(err, errlen, "tipo_radicado no se puede modificar");
			return -1;
		}
		if (strcmp(t, "salida") == 0)
			o->tipo = '1';
		else if (strcmp(t, "entrada") == 0)
			o->tipo = '2';
		else if (strcmp(t, "interna") == 0)
			o->tipo = '3';
		else {
			set_error(err, errlen, "tipo_radicado debe ser salida, entrada o interna");
			return -1;
		}
		in->has_tipo = 1;
		return 0;
	}
	if (strcmp(key, "fecha_radicacion") == 0) {
		if (!json_is_string(v) ||
		    sim_time_parse_iso(json_string_value(v), &o->fecha) < 0) {
			set_error(err, errlen,
				  "fecha_radicacion inválida: se espera AAAA-MM-DDTHH:MM:SS-05:00 "
				  "o AAAA-MM-DD HH:MM:SS");
			return -1;
		}
		in->has_fecha = 1;
		return 0;
	}
	if (strcmp(key, "asunto") == 0)
		return fakecmis_dataset_text(o, FT_ASUNTO, key, v, FAKECMIS_MAX_ASUNTO, err,
					     errlen);
	if (strcmp(key, "folios") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > FAKECMIS_MAX_FOLIOS) {
			set_error(err, errlen, "folios debe ser un entero entre 0 y %d",
				  FAKECMIS_MAX_FOLIOS);
			return -1;
		}
		o->folios = (int)json_integer_value(v);
		return 0;
	}
	if (strcmp(key, "dependencia_origen") == 0) {
		in->has_dep_origen = 1;
		return fakecmis_dataset_dep(o, FT_DEP_RADICADORA, key, v, err, errlen);
	}
	if (strcmp(key, "dependencia_actual") == 0) {
		in->has_dep_actual = 1;
		return fakecmis_dataset_dep(o, FT_DEP_ACTUAL, key, v, err, errlen);
	}
	if (strcmp(key, "tipo_documental") == 0) {
		if (!json_is_string(v) ||
		    !fakecmis_dataset_digits(json_string_value(v), 0, FAKECMIS_DATASET_MAX_CODE)) {
			set_error(err, errlen, "tipo_documental debe tener solo dígitos");
			return -1;
		}
		fakecmis_object_set(o, FT_TIPO_DOCUMENTAL, json_string_value(v));
		return 0;
	}
	if (strcmp(key, "estado_ds") == 0) {
		e = json_is_string(v) ? fakecmis_estado_named(json_string_value(v)) : -1;
		if (e < 0) {
			set_error(err, errlen,
				  "estado_ds debe ser vigente, anulacion_solicitada o anulado");
			return -1;
		}
		o->estado = (enum fakecmis_estado)e;
		return 0;
	}
	if (strcmp(key, "remitente") == 0 || strcmp(key, "remitente_cmis") == 0)
		return 0; /* read together, after the loop */
	if (strcmp(key, "creado_ms") == 0 || strcmp(key, "modificado_ms") == 0) {
		if (mode != FAKECMIS_READ_LOAD) {
			set_error(err, errlen, "%s lo fija el repositorio", key);
			return -1;
		}
		if (key[0] == 'c') {
			in->has_created = 1;
			return fakecmis_dataset_ms(v, key, &o->created_ms, err, errlen);
		}
		in->has_modified = 1;
		return fakecmis_dataset_ms(v, key, &o->modified_ms, err, errlen);
	}
	set_error(err, errlen, "campo desconocido: %s", key);
	return -1;
}

/* Reads remitente and remitente_cmis: either sets the senders; given both, the text must be
 * the list joined with "; ". */
static int fakecmis_dataset_senders(struct fakecmis_object *o, json_t *obj,
				    struct fakecmis_dataset_input *in, char *err, size_t errlen)
{
	json_t *plain = json_object_get(obj, "remitente");
	json_t *cmis = json_object_get(obj, "remitente_cmis");
	char *joined;
	int same;

	in->has_remitente = plain != NULL || cmis != NULL;
	if (cmis == NULL)
		return plain == NULL
			   ? 0
			   : fakecmis_dataset_remitente(o, "remitente", plain, err, errlen);
	if (fakecmis_dataset_remitente(o, "remitente_cmis", cmis, err, errlen) < 0)
		return -1;
	if (plain == NULL)
		return 0;
	joined = fakecmis_object_remitente_joined(o);
	same = json_is_string(plain) && strcmp(json_string_value(plain), joined) == 0;
	free(joined);
	if (!same) {
		set_error(err, errlen, "remitente no coincide con remitente_cmis unido con \"; \"");
		return -1;
	}
	return 0;
}

static int fakecmis_dataset_read_filing(struct fakecmis_object *o, json_t *obj,
					enum fakecmis_dataset_mode mode,
					struct fakecmis_dataset_input *in, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	char said;

	json_object_foreach(obj, key, v)
	{
		if (fakecmis_dataset_filing_member(o, key, v, mode, in, err, errlen) < 0)
			return -1;
	}
	if (fakecmis_dataset_senders(o, obj, in, err, errlen) < 0)
		return -1;
	if (mode == FAKECMIS_READ_UPDATE)
		return 0;
	if (!in->has_fecha) {
		set_error(err, errlen, "falta fecha_radicacion");
		return -1;
	}
	said = in->has_numero ? fakecmis_numero_tipo(o->s[FT_NUMERO]) : 0;
	if (said != 0 && in->has_tipo && said != o->tipo) {
		set_error(err, errlen, "tipo_radicado no coincide con el que dice el número");
		return -1;
	}
	if (said != 0 && !in->has_tipo)
		o->tipo = said;
	if (in->has_created && in->has_modified && o->modified_ms < o->created_ms) {
		set_error(err, errlen, "modificado_ms es anterior a creado_ms");
		return -1;
	}
	return 0;
}

/* Reads one member of a folder, document or annex. */
static int fakecmis_dataset_other_member(struct fakecmis_object *o, const char *key, json_t *v,
					 enum fakecmis_dataset_mode mode,
					 struct fakecmis_dataset_input *in, char *err,
					 size_t errlen)
{
	int folder = o->kind == FAKECMIS_FOLDER;

	if (strcmp(key, "tipo") == 0)
		return 0;
	if (strcmp(key, "object_id") == 0) {
		if (!json_is_string(v) || !fakecmis_dataset_id_ok(json_string_value(v))) {
			set_error(err, errlen, "object_id inválido");
			return -1;
		}
		strlcpy_s(in->id, json_string_value(v), sizeof(in->id));
		in->has_id = 1;
		return 0;
	}
	if (strcmp(key, "nombre") == 0) {
		in->has_name = 1;
		return fakecmis_dataset_text(o, FT_NAME, key, v, FAKECMIS_MAX_FIELD, err, errlen);
	}
	if (strcmp(key, "creado_ms") == 0 || strcmp(key, "modificado_ms") == 0) {
		if (mode != FAKECMIS_READ_LOAD) {
			set_error(err, errlen, "%s lo fija el repositorio", key);
			return -1;
		}
		if (key[0] == 'c') {
			in->has_created = 1;
			return fakecmis_dataset_ms(v, key, &o->created_ms, err, errlen);
		}
		in->has_modified = 1;
		return fakecmis_dataset_ms(v, key, &o->modified_ms, err, errlen);
	}
	if (strcmp(key, "numero") == 0 && o->kind == FAKECMIS_ANEXO) {
		if (!json_is_string(v) || !fakecmis_numero_valid(json_string_value(v))) {
			set_error(err, errlen, "numero inválido");
			return -1;
		}
		fakecmis_object_set(o, FT_NUMERO, json_string_value(v));
		in->has_numero = 1;
		return 0;
	}
	if (folder && (strcmp(key, "ruta") == 0 || strcmp(key, "padre") == 0)) {
		if (key[0] == 'p' && json_is_string(v) && json_string_length(v) > 0 &&
		    !fakecmis_dataset_id_ok(json_string_value(v))) {
			set_error(err, errlen, "padre inválido");
			return -1;
		}
		return fakecmis_dataset_text(o, key[0] == 'r' ? FT_PATH : FT_PARENT, key, v,
					     FAKECMIS_MAX_FIELD, err, errlen);
	}
	if (!folder && strcmp(key, "mime") == 0)
		return fakecmis_dataset_text(o, FT_MIME, key, v, 128, err, errlen);
	if (!folder && strcmp(key, "bytes") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > FAKECMIS_DATASET_MAX_BYTES) {
			set_error(err, errlen, "bytes debe ser un entero no negativo");
			return -1;
		}
		o->length = (long long)json_integer_value(v);
		return 0;
	}
	set_error(err, errlen, "campo desconocido para %s: %s", fakecmis_kind_type_id(o->kind),
		  key);
	return -1;
}

static int fakecmis_dataset_read_other(struct fakecmis_object *o, json_t *obj,
				       enum fakecmis_dataset_mode mode,
				       struct fakecmis_dataset_input *in, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (mode == FAKECMIS_READ_UPDATE) {
		set_error(err, errlen, "solo los radicados se modifican");
		return -1;
	}
	json_object_foreach(obj, key, v)
	{
		if (fakecmis_dataset_other_member(o, key, v, mode, in, err, errlen) < 0)
			return -1;
	}
	if (o->kind == FAKECMIS_ANEXO && !in->has_numero) {
		set_error(err, errlen, "un sgd:anexo necesita el numero de su radicado");
		return -1;
	}
	if (o->kind != FAKECMIS_FOLDER && o->s[FT_MIME][0] == '\0')
		fakecmis_object_set(o, FT_MIME, FAKECMIS_DATASET_DEFAULT_MIME);
	if (in->has_created && in->has_modified && o->modified_ms < o->created_ms) {
		set_error(err, errlen, "modificado_ms es anterior a creado_ms");
		return -1;
	}
	return 0;
}

int fakecmis_dataset_read(struct fakecmis_object *o, json_t *obj, enum fakecmis_dataset_mode mode,
			  struct fakecmis_dataset_input *in, char *err, size_t errlen)
{
	memset(in, 0, sizeof(*in));
	if (!json_is_object(obj)) {
		set_error(err, errlen, "se espera un objeto JSON");
		return -1;
	}
	if (o->kind == FAKECMIS_RADICADO)
		return fakecmis_dataset_read_filing(o, obj, mode, in, err, errlen);
	return fakecmis_dataset_read_other(o, obj, mode, in, err, errlen);
}
