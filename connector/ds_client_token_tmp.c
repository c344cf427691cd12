/* ds_client_token_tmp.c -- TEMPORARY stand-ins (branch i12-sync) for the change-token calls and
 * mapping_has_request of issue 12 §1-2, so that sync builds before the JSON engine lands.
 * DELETE THIS FILE AT THE MERGE with i12-json, which defines the real ones. */
#include "ds_client.h"
#include "mapping.h"
#include "util.h"

#define DS_CLIENT_TOKEN_TMP_MSG                                                                    \
	"el cursor de token de cambios no está disponible en esta compilación (falta el motor "  \
	"JSON)"

enum ds_answer ds_client_latest_token(struct ds_client *dc, char *token, size_t len, char *err,
				      size_t errlen)
{
	(void)dc;
	if (token != NULL && len > 0)
		token[0] = '\0';
	set_error(err, errlen, "%s: no disponible", DS_CLIENT_TOKEN_TMP_MSG);
	return DS_FAULT_CLIENT;
}

enum ds_answer ds_client_changes(struct ds_client *dc, const char *token, ds_change_cb cb,
				 void *arg, char *err, size_t errlen)
{
	(void)dc;
	(void)token;
	(void)cb;
	(void)arg;
	set_error(err, errlen, "%s: no disponible", DS_CLIENT_TOKEN_TMP_MSG);
	return DS_FAULT_CLIENT;
}

/* Until the JSON engine: no profile has a modified request (the XML and SQL formats do not
 * know requests by name). */
int mapping_has_request(const struct mapping *m, enum mapping_request r)
{
	(void)m;
	(void)r;
	return 0;
}
