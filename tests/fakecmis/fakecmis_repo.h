/* fakecmis_repo.h -- the simulated repository: its objects (indexed by id, the filings also
 * by number), its change log, and the changes the control API makes; one mutex guards all. */
#ifndef FAKECMIS_REPO_H
#define FAKECMIS_REPO_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#include "fakecmis_log.h"
#include "fakecmis_numero.h"
#include "fakecmis_object.h"

#define FAKECMIS_REPO_MAX_OBJECTS 3000000  /* objects one repository may hold */
#define FAKECMIS_REPO_VENTANILLA "510"	   /* files what comes from outside */
#define FAKECMIS_REPO_DEFAULT_AREA "130"   /* files a new internal memo by default */
#define FAKECMIS_REPO_USER_CONTROL "admin" /* cmis:lastModifiedBy of control changes */

struct fakecmis_repo_options {
	const char *office; /* the Contracting Office's code (copied) */
	unsigned long long seed;
	enum fakecmis_numeros numeros; /* shape of the numbers of new filings */
	size_t log_keep;	       /* entries the change log keeps */
};

/* A change known before serving (generated or loaded), sorted into the log at the end. */
struct fakecmis_repo_history {
	char *id;
	enum fakecmis_kind kind;
	enum fakecmis_change change;
	long long time_ms;
	size_t order;
};

struct fakecmis_repo {
	pthread_mutex_t lock;
	struct fakecmis_object **by_id; /* every object, ordered by id */
	size_t count, cap;
	struct fakecmis_object **by_numero; /* the filings, ordered by number (strcmp) */
	size_t nfilings, fcap;
	struct fakecmis_log log;
	struct fakecmis_repo_history *hist;
	size_t nhist, hcap;
	char office[8];
	enum fakecmis_numeros numeros;
	unsigned long long seed;
	unsigned id_counter;
	char root_id[FAKECMIS_ID_MAX + 1];
};

/* What a control change did; the control API maps it to a status. */
enum fakecmis_repo_result {
	FAKECMIS_REPO_OK = 0,
	FAKECMIS_REPO_BAD = -1,	      /* 400: bad input, err says why */
	FAKECMIS_REPO_NOT_FOUND = -2, /* 404 */
	FAKECMIS_REPO_CONFLICT = -3   /* 409: the number or the id exists already */
};

/* Sets up an empty repository. Cannot fail. */
void fakecmis_repo_init(struct fakecmis_repo *r, const struct fakecmis_repo_options *o);
void fakecmis_repo_free(struct fakecmis_repo *r);

/* ---- Building, before the server starts (no locking). */
/* Writes a new object id into out (FAKECMIS_ID_MAX + 1 bytes): eight hex digits that no other
 * id generated here has, "-", and the last four digits of basis (a number) or hex ones. */
void fakecmis_repo_next_id(struct fakecmis_repo *r, const char *basis, char *out);
/* Appends o (taking ownership) without re-sorting. Returns 0, or -1 when full (o freed). */
int fakecmis_repo_insert(struct fakecmis_repo *r, struct fakecmis_object *o);
/* Records one past change (id copied) for the initial change log. */
void fakecmis_repo_history(struct fakecmis_repo *r, const char *id, enum fakecmis_kind kind,
			   enum fakecmis_change change, long long time_ms);
/* Sorts the indexes (repeated ids or numbers are an error), adds a root folder when there is
 * none, and writes the recorded history into the change log in time order. Returns 0, or -1
 * with err filled. */
int fakecmis_repo_finish(struct fakecmis_repo *r, char *err, size_t errlen);
/* Loads a --dataset file: a list of filings (the dump), or {"filings": [...], "others": [...]}.
 * Every object gets a created event (and an updated one when modified later). Call
 * fakecmis_repo_finish after. Returns 0 or -1 with err. */
int fakecmis_repo_load_file(struct fakecmis_repo *r, const char *path, char *err, size_t errlen);

/* ---- Serving. The functions below take the lock themselves, except those said to need the
 * caller to hold it (used while writing CMIS answers). */
void fakecmis_repo_lock(struct fakecmis_repo *r);
void fakecmis_repo_unlock(struct fakecmis_repo *r);
/* Caller holds the lock. The object with that id, or NULL. Borrowed. */
const struct fakecmis_object *fakecmis_repo_find(const struct fakecmis_repo *r, const char *id);

/* Control changes. Each appends one change-log entry. On success *out is a new JSON object
 * of the object concerned (caller decrefs); otherwise err says why, in Spanish. */
/* Adds a filing (or, with "tipo", another object); numbers, names and dates what obj leaves
 * out. */
enum fakecmis_repo_result fakecmis_repo_add(struct fakecmis_repo *r, json_t *obj, json_t **out,
					    char *err, size_t errlen);
/* Changes fields of the filing named by "numero" or "object_id". */
enum fakecmis_repo_result fakecmis_repo_update(struct fakecmis_repo *r, json_t *obj, json_t **out,
					       char *err, size_t errlen);
/* Annuls ({"numero", "estado": "anulado" (default) | "anulacion_solicitada" | "vigente"}). */
enum fakecmis_repo_result fakecmis_repo_annul(struct fakecmis_repo *r, json_t *obj, json_t **out,
					      char *err, size_t errlen);
/* Deletes any object named by "numero" (a filing) or "object_id". */
enum fakecmis_repo_result fakecmis_repo_remove(struct fakecmis_repo *r, json_t *obj, json_t **out,
					       char *err, size_t errlen);
/* Records a permission change (a security event) on the object named as for remove. */
enum fakecmis_repo_result fakecmis_repo_security(struct fakecmis_repo *r, json_t *obj, json_t **out,
						 char *err, size_t errlen);
/* Drops every change-log entry kept, so that every token given so far is expired. */
void fakecmis_repo_expire(struct fakecmis_repo *r);

/* New JSON values (caller decrefs): the filings as a list in date then number order (only
 * those held by dependencia when not NULL); the other objects in id order; the change log's
 * tokens. */
json_t *fakecmis_repo_dump(struct fakecmis_repo *r, const char *dependencia);
json_t *fakecmis_repo_others(struct fakecmis_repo *r);
json_t *fakecmis_repo_token(struct fakecmis_repo *r);

#endif
