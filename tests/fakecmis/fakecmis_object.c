/* fakecmis_object.c -- objects of the simulated repository: the property table (one row per
 * CMIS property: ids, names, type, cardinality, which kinds carry it), values read from an
 * object, and the properties written succinct or verbose as the Browser Binding does. */
#include "fakecmis_object.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecmis_time.h"
#include "util.h"

#define K(k) (1u << (k))
#define K_ALL (K(FAKECMIS_RADICADO) | K(FAKECMIS_FOLDER) | K(FAKECMIS_DOCUMENT) | K(FAKECMIS_ANEXO))
#define K_DOCS (K(FAKECMIS_RADICADO) | K(FAKECMIS_DOCUMENT) | K(FAKECMIS_ANEXO))
#define K_RAD K(FAKECMIS_RADICADO)

static const struct fakecmis_propdef fakecmis_props[FP_COUNT] = {
    [FP_OBJECT_ID] = {"cmis:objectId", "objectId", "Object Id", FAKECMIS_PT_ID, 0, K_ALL, 1},
    [FP_OBJECT_TYPE_ID] = {"cmis:objectTypeId", "objectTypeId", "Object Type Id", FAKECMIS_PT_ID, 0,
			   K_ALL, 1},
    [FP_LAST_MODIFICATION_DATE] = {"cmis:lastModificationDate", "lastModificationDate",
				   "Last Modified Date", FAKECMIS_PT_DATETIME, 0, K_ALL, 1},
    [FP_NUMERO] = {"sgd:numeroRadicado", "numeroRadicado", "Número de radicado", FAKECMIS_PT_STRING,
		   0, K_RAD | K(FAKECMIS_ANEXO), 1},
    [FP_TIPO] = {"sgd:tipoRadicado", "tipoRadicado", "Tipo de radicado", FAKECMIS_PT_STRING, 0,
		 K_RAD, 1},
    [FP_FECHA] = {"sgd:fechaRadicado", "fechaRadicado", "Fecha de radicación", FAKECMIS_PT_DATETIME,
		  0, K_RAD, 1},
    [FP_ASUNTO] = {"sgd:asunto", "asunto", "Asunto", FAKECMIS_PT_STRING, 0, K_RAD, 1},
    [FP_DEP_ACTUAL] = {"sgd:dependenciaActual", "dependenciaActual", "Dependencia actual",
		       FAKECMIS_PT_STRING, 0, K_RAD, 1},
    [FP_DEP_RADICADORA] = {"sgd:dependenciaRadicadora", "dependenciaRadicadora",
			   "Dependencia radicadora", FAKECMIS_PT_STRING, 0, K_RAD, 1},
    [FP_TIPO_DOCUMENTAL] = {"sgd:tipoDocumental", "tipoDocumental", "Tipo documental",
			    FAKECMIS_PT_STRING, 0, K_RAD, 1},
    /* Declared multi-valued; objects filed before the type changed still hold one string. */
    [FP_REMITENTE] = {"sgd:remitente", "remitente", "Remitente", FAKECMIS_PT_STRING, 1, K_RAD, 0},
    [FP_FOLIOS] = {"sgd:folios", "folios", "Folios", FAKECMIS_PT_INTEGER, 0, K_RAD, 1},
    [FP_ESTADO] = {"sgd:estado", "estado", "Estado", FAKECMIS_PT_STRING, 0, K_RAD, 1},
    [FP_NAME] = {"cmis:name", "name", "Name", FAKECMIS_PT_STRING, 0, K_ALL, 1},
    [FP_CREATION_DATE] = {"cmis:creationDate", "creationDate", "Creation Date",
			  FAKECMIS_PT_DATETIME, 0, K_ALL, 1},
    [FP_BASE_TYPE_ID] = {"cmis:baseTypeId", "baseTypeId", "Base Type Id", FAKECMIS_PT_ID, 0, K_ALL,
			 1},
    [FP_CREATED_BY] = {"cmis:createdBy", "createdBy", "Created by", FAKECMIS_PT_STRING, 0, K_ALL,
		       1},
    [FP_LAST_MODIFIED_BY] = {"cmis:lastModifiedBy", "lastModifiedBy", "Last Modified By",
			     FAKECMIS_PT_STRING, 0, K_ALL, 1},
    [FP_CHANGE_TOKEN] = {"cmis:changeToken", "changeToken", "Change token", FAKECMIS_PT_STRING, 0,
			 K_ALL, 0},
    [FP_DESCRIPTION] = {"cmis:description", "description", "Description", FAKECMIS_PT_STRING, 0,
			K_ALL, 1},
    [FP_SECONDARY_TYPES] = {"cmis:secondaryObjectTypeIds", "secondaryObjectTypeIds",
			    "Secondary Object Type Ids", FAKECMIS_PT_ID, 1, K_ALL, 0},
    [FP_MIME] = {"cmis:contentStreamMimeType", "contentStreamMimeType", "MIME Type",
		 FAKECMIS_PT_STRING, 0, K_DOCS, 0},
    [FP_LENGTH] = {"cmis:contentStreamLength", "contentStreamLength", "Content Length",
		   FAKECMIS_PT_INTEGER, 0, K_DOCS, 0},
    [FP_IS_LATEST] = {"cmis:isLatestVersion", "isLatestVersion", "Is Latest Version",
		      FAKECMIS_PT_BOOLEAN, 0, K_DOCS, 0},
    [FP_PARENT_ID] = {"cmis:parentId", "parentId", "Parent Id", FAKECMIS_PT_ID, 0,
		      K(FAKECMIS_FOLDER), 0},
    [FP_PATH] = {"cmis:path", "path", "Path", FAKECMIS_PT_STRING, 0, K(FAKECMIS_FOLDER), 0},
};

static const char *const fakecmis_ptype_names[] = {
    [FAKECMIS_PT_STRING] = "string",   [FAKECMIS_PT_ID] = "id",
    [FAKECMIS_PT_INTEGER] = "integer", [FAKECMIS_PT_DATETIME] = "datetime",
    [FAKECMIS_PT_BOOLEAN] = "boolean",
};

static const char *const fakecmis_kind_types[FAKECMIS_KIND_COUNT][2] = {
    [FAKECMIS_RADICADO] = {FAKECMIS_TYPE_RADICADO, "cmis:document"},
    [FAKECMIS_FOLDER] = {"cmis:folder", "cmis:folder"},
    [FAKECMIS_DOCUMENT] = {"cmis:document", "cmis:document"},
    [FAKECMIS_ANEXO] = {"sgd:anexo", "cmis:document"},
};

static const char *const fakecmis_estados[] = {
    [FAKECMIS_VIGENTE] = "vigente",
    [FAKECMIS_ANULACION_SOLICITADA] = "anulacion_solicitada",
    [FAKECMIS_ANULADO] = "anulado",
};

const struct fakecmis_propdef *fakecmis_prop_def(enum fakecmis_prop p)
{
	return &fakecmis_props[p];
}

int fakecmis_prop_find(const char *name)
{
	for (int i = 0; i < FP_COUNT; i++) {
		if (strcmp(fakecmis_props[i].id, name) == 0)
			return i;
	}
	return -1;
}

const char *fakecmis_ptype_name(enum fakecmis_ptype t)
{
	return fakecmis_ptype_names[t];
}

const char *fakecmis_kind_type_id(enum fakecmis_kind k)
{
	return fakecmis_kind_types[k][0];
}

const char *fakecmis_kind_base_id(enum fakecmis_kind k)
{
	return fakecmis_kind_types[k][1];
}

int fakecmis_kind_named(const char *type_id)
{
	for (int k = 0; k < FAKECMIS_KIND_COUNT; k++) {
		if (strcmp(fakecmis_kind_types[k][0], type_id) == 0)
			return k;
	}
	return -1;
}

const char *fakecmis_estado_name(enum fakecmis_estado e)
{
	return fakecmis_estados[e];
}

int fakecmis_estado_named(const char *s)
{
	for (int e = 0; e < 3; e++) {
		if (strcmp(fakecmis_estados[e], s) == 0)
			return e;
	}
	return -1;
}

const char *fakecmis_tipo_name(char tipo)
{
	switch (tipo) {
	case '1':
		return "salida";
	case '2':
		return "entrada";
	case '3':
		return "interna";
	default:
		return "";
	}
}

struct fakecmis_object *fakecmis_object_new(enum fakecmis_kind k)
{
	struct fakecmis_object *o = xcalloc(1, sizeof(*o));

	o->kind = k;
	o->tipo = '3';
	o->folios = 1;
	for (int i = 0; i < FT_COUNT; i++)
		o->s[i] = xstrdup("");
	fakecmis_object_set(o, FT_LAST_MODIFIED_BY, FAKECMIS_USER_SYSTEM);
	return o;
}

static void fakecmis_object_free_remitentes(struct fakecmis_object *o)
{
	for (size_t i = 0; i < o->n_remitentes; i++)
		free(o->remitentes[i]);
	free(o->remitentes);
	o->remitentes = NULL;
	o->n_remitentes = 0;
}

void fakecmis_object_free(struct fakecmis_object *o)
{
	if (o == NULL)
		return;
	for (int i = 0; i < FT_COUNT; i++)
		free(o->s[i]);
	fakecmis_object_free_remitentes(o);
	free(o);
}

struct fakecmis_object *fakecmis_object_copy(const struct fakecmis_object *src)
{
	struct fakecmis_object *o = xmalloc(sizeof(*o));

	*o = *src;
	for (int i = 0; i < FT_COUNT; i++)
		o->s[i] = xstrdup(src->s[i]);
	o->remitentes = NULL;
	o->n_remitentes = 0;
	fakecmis_object_set_remitentes(o, (const char *const *)src->remitentes, src->n_remitentes,
				       src->remitente_multi);
	return o;
}

void fakecmis_object_replace(struct fakecmis_object *dst, struct fakecmis_object *src)
{
	for (int i = 0; i < FT_COUNT; i++)
		free(dst->s[i]);
	fakecmis_object_free_remitentes(dst);
	*dst = *src;
	free(src);
}

void fakecmis_object_set(struct fakecmis_object *o, enum fakecmis_text t, const char *value)
{
	free(o->s[t]);
	o->s[t] = xstrdup(value ? value : "");
}

void fakecmis_object_set_remitentes(struct fakecmis_object *o, const char *const *values, size_t n,
				    int multi)
{
	char **copy = n > 0 ? xcalloc(n, sizeof(*copy)) : NULL;

	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(values[i]);
	fakecmis_object_free_remitentes(o);
	o->remitentes = copy;
	o->n_remitentes = n;
	o->remitente_multi = multi;
}

char *fakecmis_object_remitente_joined(const struct fakecmis_object *o)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < o->n_remitentes; i++) {
		if (i > 0)
			buf_puts(&b, "; ");
		buf_puts(&b, o->remitentes[i]);
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

int fakecmis_object_has(const struct fakecmis_object *o, enum fakecmis_prop p)
{
	return (fakecmis_props[p].kinds & K(o->kind)) != 0;
}

static void fakecmis_value_str(struct fakecmis_value *v, const char *s)
{
	v->null = 0;
	v->str = s;
}

static void fakecmis_value_num(struct fakecmis_value *v, long long n)
{
	v->null = 0;
	v->num = n;
}

void fakecmis_object_value(const struct fakecmis_object *o, enum fakecmis_prop p,
			   struct fakecmis_value *v)
{
	static const char *const tipos[] = {"1", "2", "3"};

	memset(v, 0, sizeof(*v));
	v->null = 1;
	if (!fakecmis_object_has(o, p))
		return;
	switch (p) {
	case FP_OBJECT_ID:
		fakecmis_value_str(v, o->id);
		break;
	case FP_OBJECT_TYPE_ID:
		fakecmis_value_str(v, fakecmis_kind_type_id(o->kind));
		break;
	case FP_BASE_TYPE_ID:
		fakecmis_value_str(v, fakecmis_kind_base_id(o->kind));
		break;
	case FP_LAST_MODIFICATION_DATE:
		fakecmis_value_num(v, o->modified_ms);
		break;
	case FP_CREATION_DATE:
		fakecmis_value_num(v, o->created_ms);
		break;
	case FP_NUMERO:
		fakecmis_value_str(v, o->s[FT_NUMERO]);
		break;
	case FP_TIPO:
		if (o->tipo >= '1' && o->tipo <= '3')
			fakecmis_value_str(v, tipos[o->tipo - '1']);
		break;
	case FP_FECHA:
		fakecmis_value_num(v, o->fecha * 1000LL);
		break;
	case FP_ASUNTO:
		fakecmis_value_str(v, o->s[FT_ASUNTO]);
		break;
	case FP_DEP_ACTUAL:
		fakecmis_value_str(v, o->s[FT_DEP_ACTUAL]);
		break;
	case FP_DEP_RADICADORA:
		fakecmis_value_str(v, o->s[FT_DEP_RADICADORA]);
		break;
	case FP_TIPO_DOCUMENTAL:
		fakecmis_value_str(v, o->s[FT_TIPO_DOCUMENTAL]);
		break;
	case FP_REMITENTE:
		if (!o->remitente_multi && o->n_remitentes == 1)
			fakecmis_value_str(v, o->remitentes[0]);
		break;
	case FP_FOLIOS:
		fakecmis_value_num(v, o->folios);
		break;
	case FP_ESTADO:
		fakecmis_value_str(v, fakecmis_estado_name(o->estado));
		break;
	case FP_NAME:
		fakecmis_value_str(v, o->s[FT_NAME]);
		break;
	case FP_CREATED_BY:
		fakecmis_value_str(v, FAKECMIS_USER_SYSTEM);
		break;
	case FP_LAST_MODIFIED_BY:
		fakecmis_value_str(v, o->s[FT_LAST_MODIFIED_BY]);
		break;
	case FP_MIME:
		fakecmis_value_str(v, o->s[FT_MIME]);
		break;
	case FP_LENGTH:
		fakecmis_value_num(v, o->length);
		break;
	case FP_IS_LATEST:
		fakecmis_value_num(v, 1);
		break;
	case FP_PARENT_ID:
		if (o->s[FT_PARENT][0] != '\0')
			fakecmis_value_str(v, o->s[FT_PARENT]);
		break;
	case FP_PATH:
		fakecmis_value_str(v, o->s[FT_PATH]);
		break;
	case FP_CHANGE_TOKEN:	 /* written from the number, see below */
	case FP_DESCRIPTION:	 /* never set */
	case FP_SECONDARY_TYPES: /* always an empty list */
	case FP_COUNT:
		break;
	}
}

/* The JSON of one single value of property p. */
static json_t *fakecmis_value_json(enum fakecmis_prop p, const struct fakecmis_value *v,
				   const struct fakecmis_render *r)
{
	char when[SIM_TIME_LEN];

	if (v->null)
		return json_null();
	switch (fakecmis_props[p].type) {
	case FAKECMIS_PT_STRING:
	case FAKECMIS_PT_ID:
		return json_string(v->str);
	case FAKECMIS_PT_INTEGER:
		return json_integer(v->num);
	case FAKECMIS_PT_BOOLEAN:
		return json_boolean(v->num);
	case FAKECMIS_PT_DATETIME:
		if (!r->extended)
			return json_integer(v->num);
		fakecmis_time_format_extended(v->num, when);
		return json_string(when);
	}
	return json_null();
}

/* The JSON value of p on o, a list for the multi-valued ones. */
static json_t *fakecmis_object_json_value(const struct fakecmis_object *o, enum fakecmis_prop p,
					  const struct fakecmis_render *r, int *multi)
{
	struct fakecmis_value v;
	char token[32];

	*multi = fakecmis_props[p].multi;
	if (p == FP_SECONDARY_TYPES)
		return json_array();
	if (p == FP_CHANGE_TOKEN) {
		snprintf(token, sizeof(token), "%lld", o->modified_ms);
		return json_string(token);
	}
	if (p == FP_REMITENTE) {
		json_t *list;

		*multi = o->remitente_multi;
		if (!o->remitente_multi)
			return o->n_remitentes == 1 ? json_string(o->remitentes[0]) : json_null();
		list = json_array();
		for (size_t i = 0; i < o->n_remitentes; i++)
			json_array_append_new(list, json_string(o->remitentes[i]));
		return list;
	}
	fakecmis_object_value(o, p, &v);
	return fakecmis_value_json(p, &v, r);
}

/* Adds p with value to props, succinct or verbose. Takes the reference to value. */
static void fakecmis_object_put(json_t *props, enum fakecmis_prop p, json_t *value, int multi,
				const struct fakecmis_render *r)
{
	const struct fakecmis_propdef *d = &fakecmis_props[p];
	json_t *entry;

	if (r->succinct) {
		json_object_set_new(props, d->id, value);
		return;
	}
	entry = json_object();
	json_object_set_new(entry, "id", json_string(d->id));
	json_object_set_new(entry, "localName", json_string(d->local));
	json_object_set_new(entry, "displayName", json_string(d->display));
	json_object_set_new(entry, "queryName", json_string(d->id));
	json_object_set_new(entry, "type", json_string(fakecmis_ptype_name(d->type)));
	json_object_set_new(entry, "cardinality", json_string(multi ? "multi" : "single"));
	json_object_set_new(entry, "value", value);
	json_object_set_new(props, d->id, entry);
}

json_t *fakecmis_object_properties(const struct fakecmis_object *o, const struct fakecmis_render *r,
				   const int *props, size_t nprops)
{
	json_t *out = json_object();
	size_t n = props != NULL ? nprops : FP_COUNT;

	for (size_t i = 0; i < n; i++) {
		enum fakecmis_prop p =
		    props != NULL ? (enum fakecmis_prop)props[i] : (enum fakecmis_prop)i;
		json_t *value;
		int multi;

		if (!fakecmis_object_has(o, p))
			continue;
		value = fakecmis_object_json_value(o, p, r, &multi);
		fakecmis_object_put(out, p, value, multi, r);
	}
	return out;
}

json_t *fakecmis_object_minimal(const char *id, enum fakecmis_kind k,
				const struct fakecmis_render *r)
{
	json_t *out = json_object();

	fakecmis_object_put(out, FP_OBJECT_ID, json_string(id), 0, r);
	fakecmis_object_put(out, FP_OBJECT_TYPE_ID, json_string(fakecmis_kind_type_id(k)), 0, r);
	return out;
}

json_t *fakecmis_prop_definition_json(enum fakecmis_prop p)
{
	const struct fakecmis_propdef *d = &fakecmis_props[p];

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "id", d->id,
			 "localName", d->local, "displayName", d->display, "queryName", d->id,
			 "propertyType", fakecmis_ptype_name(d->type), "cardinality",
			 d->multi ? "multi" : "single", "updatability",
			 p == FP_NAME || d->id[0] == 's' ? "readwrite" : "readonly", "inherited",
			 d->id[0] == 'c', "queryable", d->queryable, "orderable", d->queryable);
}
