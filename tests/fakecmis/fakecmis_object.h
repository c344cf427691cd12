/* fakecmis_object.h -- one object of the simulated repository (a filing of type sgd:radicado, a
 * folder, another document, an annex), its CMIS property definitions, and its properties as the
 * Browser Binding writes them (succinct or verbose, dates as numbers or text). */
#ifndef FAKECMIS_OBJECT_H
#define FAKECMIS_OBJECT_H

#include <jansson.h>
#include <stddef.h>

#define FAKECMIS_ID_MAX 64	   /* bytes of an object id */
#define FAKECMIS_NUMERO_MAX 32	   /* bytes of a radicado number */
#define FAKECMIS_MAX_ASUNTO 4000   /* bytes of a subject */
#define FAKECMIS_MAX_FIELD 512	   /* bytes of any other text */
#define FAKECMIS_MAX_REMITENTES 16 /* values of a multi-valued sgd:remitente */
#define FAKECMIS_MAX_FOLIOS 32767  /* sheets */
#define FAKECMIS_TYPE_RADICADO "sgd:radicado"
#define FAKECMIS_USER_SYSTEM "orfeo" /* cmis:createdBy of every object */

/* The object types the repository holds; only the first is what clients want. */
enum fakecmis_kind {
	FAKECMIS_RADICADO, /* sgd:radicado (base cmis:document) */
	FAKECMIS_FOLDER,   /* cmis:folder */
	FAKECMIS_DOCUMENT, /* cmis:document: minutes, plans, spreadsheets */
	FAKECMIS_ANEXO,	   /* sgd:anexo (base cmis:document): carries its filing's number */
	FAKECMIS_KIND_COUNT
};

enum fakecmis_estado { FAKECMIS_VIGENTE, FAKECMIS_ANULACION_SOLICITADA, FAKECMIS_ANULADO };

/* The text fields of an object; which ones matter depends on the kind. */
enum fakecmis_text {
	FT_NAME,	     /* cmis:name */
	FT_NUMERO,	     /* sgd:numeroRadicado (filings, annexes) */
	FT_ASUNTO,	     /* sgd:asunto */
	FT_DEP_ACTUAL,	     /* sgd:dependenciaActual */
	FT_DEP_RADICADORA,   /* sgd:dependenciaRadicadora */
	FT_TIPO_DOCUMENTAL,  /* sgd:tipoDocumental */
	FT_MIME,	     /* cmis:contentStreamMimeType (documents) */
	FT_PATH,	     /* cmis:path (folders) */
	FT_PARENT,	     /* cmis:parentId (folders; "" for the root) */
	FT_LAST_MODIFIED_BY, /* cmis:lastModifiedBy */
	FT_COUNT
};

/* One object. Strings are UTF-8, owned, never NULL. */
struct fakecmis_object {
	char id[FAKECMIS_ID_MAX + 1];
	enum fakecmis_kind kind;
	long long created_ms;  /* cmis:creationDate */
	long long modified_ms; /* cmis:lastModificationDate */
	long long fecha;       /* filing instant, epoch seconds (sgd:fechaRadicado / 1000) */
	char tipo;	       /* '1' salida, '2' entrada, '3' interna */
	int folios;
	enum fakecmis_estado estado;
	int remitente_multi; /* 1: sgd:remitente is an array (of n_remitentes values) */
	size_t n_remitentes;
	char **remitentes;
	long long length; /* cmis:contentStreamLength (documents) */
	char *s[FT_COUNT];
};

/* The properties, in the order they are written (the sample's first). */
enum fakecmis_prop {
	FP_OBJECT_ID,
	FP_OBJECT_TYPE_ID,
	FP_LAST_MODIFICATION_DATE,
	FP_NUMERO,
	FP_TIPO,
	FP_FECHA,
	FP_ASUNTO,
	FP_DEP_ACTUAL,
	FP_DEP_RADICADORA,
	FP_TIPO_DOCUMENTAL,
	FP_REMITENTE,
	FP_FOLIOS,
	FP_ESTADO,
	FP_NAME,
	FP_CREATION_DATE,
	FP_BASE_TYPE_ID,
	FP_CREATED_BY,
	FP_LAST_MODIFIED_BY,
	FP_CHANGE_TOKEN,
	FP_DESCRIPTION,
	FP_SECONDARY_TYPES,
	FP_MIME,
	FP_LENGTH,
	FP_IS_LATEST,
	FP_PARENT_ID,
	FP_PATH,
	FP_COUNT
};

enum fakecmis_ptype {
	FAKECMIS_PT_STRING,
	FAKECMIS_PT_ID,
	FAKECMIS_PT_INTEGER,
	FAKECMIS_PT_DATETIME,
	FAKECMIS_PT_BOOLEAN
};

struct fakecmis_propdef {
	const char *id; /* also the query name */
	const char *local;
	const char *display;
	enum fakecmis_ptype type;
	int multi;	/* cardinality the type definition declares */
	unsigned kinds; /* bit k set: objects of kind k have it */
	int queryable;	/* may appear in WHERE and ORDER BY */
};

/* One single value of a property: null, a text (borrowed from the object) or a number. */
struct fakecmis_value {
	int null;
	const char *str;
	long long num;
};

/* How properties are written. */
struct fakecmis_render {
	int succinct; /* 1: "succinctProperties" {id: value}; 0: verbose "properties" */
	int extended; /* 1: datetimes as ISO text (dateTimeFormat=extended), else epoch ms */
};

/* The definition of p. Borrowed. */
const struct fakecmis_propdef *fakecmis_prop_def(enum fakecmis_prop p);
/* The property whose query name is name, or -1. */
int fakecmis_prop_find(const char *name);
/* The type name of a ptype ("string", "datetime", ...). Borrowed. */
const char *fakecmis_ptype_name(enum fakecmis_ptype t);

/* The type id of a kind ("sgd:radicado", "cmis:folder"...), and its base type id. Borrowed. */
const char *fakecmis_kind_type_id(enum fakecmis_kind k);
const char *fakecmis_kind_base_id(enum fakecmis_kind k);
/* The kind of a type id, or -1. */
int fakecmis_kind_named(const char *type_id);

/* "vigente", "anulacion_solicitada", "anulado". Borrowed. */
const char *fakecmis_estado_name(enum fakecmis_estado e);
/* The estado named s, or -1. */
int fakecmis_estado_named(const char *s);
/* "salida", "entrada", "interna" from '1', '2', '3' ("" otherwise). Borrowed. */
const char *fakecmis_tipo_name(char tipo);

/* Returns a new object of kind k with every text empty (the caller frees it). Cannot fail. */
struct fakecmis_object *fakecmis_object_new(enum fakecmis_kind k);
/* Returns a new deep copy of o. */
struct fakecmis_object *fakecmis_object_copy(const struct fakecmis_object *o);
void fakecmis_object_free(struct fakecmis_object *o);
/* Moves every field of src into dst (freeing dst's), then frees src. */
void fakecmis_object_replace(struct fakecmis_object *dst, struct fakecmis_object *src);
/* Replaces text field t with a copy of value (NULL: ""). */
void fakecmis_object_set(struct fakecmis_object *o, enum fakecmis_text t, const char *value);
/* Replaces the senders with copies of the n values; multi says how sgd:remitente is written. */
void fakecmis_object_set_remitentes(struct fakecmis_object *o, const char *const *values, size_t n,
				    int multi);
/* The senders joined with "; " (segcont's single field). Returns a new string; caller frees. */
char *fakecmis_object_remitente_joined(const struct fakecmis_object *o);

/* 1 when o has property p (whatever its value), else 0. */
int fakecmis_object_has(const struct fakecmis_object *o, enum fakecmis_prop p);
/* Fills v with o's single value of p; null when o has no such property, its value is unset,
 * or it is multi-valued. Cannot fail. */
void fakecmis_object_value(const struct fakecmis_object *o, enum fakecmis_prop p,
			   struct fakecmis_value *v);
/* Returns a new JSON object of o's properties as r says: every property o has (props NULL)
 * or those listed (that o has). Cannot fail. */
json_t *fakecmis_object_properties(const struct fakecmis_object *o, const struct fakecmis_render *r,
				   const int *props, size_t nprops);
/* Returns a new JSON object with only cmis:objectId and cmis:objectTypeId (an object that no
 * longer exists, or a change event without properties). Cannot fail. */
json_t *fakecmis_object_minimal(const char *id, enum fakecmis_kind k,
				const struct fakecmis_render *r);
/* Returns a new JSON object of one property definition (typeDefinition). Cannot fail. */
json_t *fakecmis_prop_definition_json(enum fakecmis_prop p);

#endif
