/* fakeds_data.h -- the simulated document system's filings: one mutex-guarded set kept in
 * date and number order, with JSON in and out (the /control/dump format). */
#ifndef FAKEDS_DATA_H
#define FAKEDS_DATA_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#define FAKEDS_DATA_NUMERO_MIN 14 /* digits of a radicado number */
#define FAKEDS_DATA_NUMERO_MAX 16
#define FAKEDS_DATA_MAX_ASUNTO 4000		  /* bytes of a subject */
#define FAKEDS_DATA_MAX_FIELD 512		  /* bytes of any other text field */
#define FAKEDS_DATA_MAX_FOLIOS 32767		  /* NUMHOJAS is an xsd:short */
#define FAKEDS_DATA_MAX_FILINGS 2000000		  /* filings one dataset may hold */
#define FAKEDS_DATA_MAX_FILE (512L * 1024 * 1024) /* bytes of a --dataset file */
#define FAKEDS_DATA_SEQ_MAX 999999		  /* 6-digit sequence */

/* The text fields of a filing, in the order getInfoRadicado writes them (after
 * RADI_NUME_RADI and RADI_FECH_RADI, which come from numero and the date). */
enum fakeds_str {
	FS_TIPO_DOCUMENTAL,   /* TDOC_CODI */
	FS_RUTA,	      /* RADI_PATH */
	FS_USUARIO_ACTUAL,    /* RADI_USUA_ACTU */
	FS_DEP_ACTUAL,	      /* RADI_DEPE_ACTU */
	FS_USUARIO_ANTERIOR,  /* RADI_USU_ANTE */
	FS_DEP_ORIGEN,	      /* RADI_DEPE_RADI */
	FS_ASUNTO,	      /* RA_ASUN */
	FS_USUARIO_RADICADOR, /* RADI_USUA_RADI */
	FS_CODI_NIVEL,	      /* CODI_NIVEL */
	FS_DEPE_CODI,	      /* DEPE_CODI */
	FS_EANU,	      /* SGD_EANU_CODIGO */
	FS_DIR_CODIGO,	      /* SGD_DIR_CODIGO */
	FS_DIR_TIPO,	      /* SGD_DIR_TIPO */
	FS_OEM_CODIGO,	      /* SGD_OEM_CODIGO */
	FS_CIU_CODIGO,	      /* SGD_CIU_CODIGO */
	FS_MUNI_CODI,	      /* MUNI_CODI */
	FS_DPTO_CODI,	      /* DPTO_CODI */
	FS_ID_PAIS,	      /* ID_PAIS */
	FS_DIRECCION,	      /* SGD_DIR_DIRECCION */
	FS_TELEFONO,	      /* SGD_DIR_TELEFONO */
	FS_EMAIL,	      /* SGD_DIR_MAIL */
	FS_DEP_ORIGEN_NOMBRE, /* SGD_DIR_NOMBRE */
	FS_REMITENTE,	      /* SGD_DIR_NOMREMDES */
	FS_DOCUMENTO,	      /* SGD_DIR_DOC */
	FS_COUNT
};

/* One filing. Strings are UTF-8, owned, never NULL. */
struct fakeds_filing {
	char numero[FAKEDS_DATA_NUMERO_MAX + 1];
	long long epoch; /* filing instant, seconds since 1970 UTC */
	long usec;	 /* microseconds of RADI_FECH_RADI */
	int folios;
	int ruta_nula; /* 1: RADI_PATH is NULL in the database (empty RUTA written as <RUTA/>) */
	char *s[FS_COUNT];
};

/* The dataset. Every function below takes the lock itself, except those documented as
 * "caller holds the lock" (used while rendering SOAP answers). */
struct fakeds_data {
	pthread_mutex_t lock;
	struct fakeds_filing **by_date; /* ordered by epoch, then numero */
	struct fakeds_filing **by_num;	/* ordered by numero */
	size_t count;
	size_t cap;
	char office[8]; /* the Contracting Office's dependency code */
	unsigned long long seed;
};

/* What a control operation did; the HTTP layer maps it to a status. */
enum fakeds_data_result {
	FAKEDS_DATA_OK = 0,
	FAKEDS_DATA_BAD = -1,	    /* 400: bad input, err says why */
	FAKEDS_DATA_NOT_FOUND = -2, /* 404 */
	FAKEDS_DATA_CONFLICT = -3   /* 409: the number exists already */
};

/* Names of the text fields: JSON (dump) and getInfoRadicado element. Borrowed. */
const char *fakeds_data_json_name(enum fakeds_str f);
const char *fakeds_data_info_name(enum fakeds_str f);
/* 1 when the field is a column of the sender's row, which a real database holds as NULL where
 * fakeds holds an empty string (SGD_DIR_*, SGD_OEM_CODIGO, MUNI_CODI...), else 0. */
int fakeds_data_info_sender(enum fakeds_str f);
/* Compares two radicado numbers as numbers: a shorter one is smaller, equal lengths compare
 * by text. Returns <0, 0 or >0. */
int fakeds_data_numcmp(const char *a, const char *b);
/* "salida", "entrada", "interna" or "otro" from the number's last digit. Borrowed. */
const char *fakeds_data_tipo(const char *numero);
/* "vigente", "anulacion_solicitada" or "anulado" from SGD_EANU_CODIGO. Borrowed. */
const char *fakeds_data_estado(const char *eanu);

/* Sets up an empty dataset. Cannot fail. office is copied (at most 7 bytes). */
void fakeds_data_init(struct fakeds_data *d, const char *office, unsigned long long seed);
void fakeds_data_free(struct fakeds_data *d);

/* Returns a new filing with every default set (dependencia_actual = the office); the caller
 * hands it to fakeds_data_insert or frees it with fakeds_data_filing_free. */
struct fakeds_filing *fakeds_data_filing_new(const struct fakeds_data *d);
void fakeds_data_filing_free(struct fakeds_filing *f);
/* Replaces text field which of f with a copy of value. */
void fakeds_data_filing_set(struct fakeds_filing *f, enum fakeds_str which, const char *value);

/* Appends f (taking ownership) without re-sorting: call fakeds_data_reindex after a batch.
 * Returns 0, or -1 when the dataset is full (f is freed then). For the generator, before
 * the server starts (no locking). */
int fakeds_data_insert(struct fakeds_data *d, struct fakeds_filing *f);
/* Sorts both indexes. Returns 0, or -1 with err filled when two filings share a number. */
int fakeds_data_reindex(struct fakeds_data *d, char *err, size_t errlen);

/* Loads {"filings": [...]} from a file, in the dump format. Returns 0 or -1 with err. */
int fakeds_data_load_file(struct fakeds_data *d, const char *path, char *err, size_t errlen);

void fakeds_data_lock(struct fakeds_data *d);
void fakeds_data_unlock(struct fakeds_data *d);
/* Caller holds the lock. Returns the filing with that number (borrowed) or NULL. */
const struct fakeds_filing *fakeds_data_find(const struct fakeds_data *d, const char *numero);
/* Caller holds the lock. Index in by_date of the first filing at or after epoch. */
size_t fakeds_data_first_at(const struct fakeds_data *d, long long epoch);

/* Returns a new JSON object of one filing (caller decrefs). Cannot fail. */
json_t *fakeds_data_filing_json(const struct fakeds_filing *f);
/* Returns a new {"filings": [...]} of every filing, or of those whose current dependency
 * is dependencia (when not NULL). Takes the lock. */
json_t *fakeds_data_dump(struct fakeds_data *d, const char *dependencia);
/* Control operations (take the lock). On success *out is a new JSON object of the filing
 * concerned (caller decrefs); otherwise err says why in Spanish. */
enum fakeds_data_result fakeds_data_add(struct fakeds_data *d, json_t *obj, json_t **out, char *err,
					size_t errlen);
enum fakeds_data_result fakeds_data_update(struct fakeds_data *d, json_t *obj, json_t **out,
					   char *err, size_t errlen);
enum fakeds_data_result fakeds_data_remove(struct fakeds_data *d, json_t *obj, json_t **out,
					   char *err, size_t errlen);

#endif
