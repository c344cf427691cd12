/* workflow.c -- the follow-up state machine as one table (action x estado: where it leads or
 * why not) and the table of the fields each role edits. No database, no HTTP: facts in. */
#include "workflow.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define WORKFLOW_COUNT_MAX 9007199254740991L /* devoluciones: exact in JSON numbers */

/* Reasons shared by several cells. */
#define WORKFLOW_WHY_REPARTIR "primero debe repartirse"
#define WORKFLOW_WHY_CONCLUIDO                                                                     \
	"está concluido; solo el Director puede reabrirlo (gestión «reapertura»)"
#define WORKFLOW_WHY_NO_GESTIONES "no admite gestiones"
#define WORKFLOW_WHY_DESENLACE                                                                     \
	"salió de la cola con un desenlace; solo el Director puede reabrirlo (gestión "          \
	"«reapertura»)"
#define WORKFLOW_WHY_CONFIRM_ANNUL "confirme su anulación (gestión «anulacion»)"

/* A cell that leads to estado to (WORKFLOW_SAME: stays) writing gestion g with effects fx. */
#define WORKFLOW_TO(to_, g, fx)                                                                    \
	{                                                                                          \
		.to = (to_), .gestion = (g), .effects = (fx)                                       \
	}
#define WORKFLOW_NO(reason)                                                                        \
	{                                                                                          \
		.why = (reason)                                                                    \
	}
/* The cells of the outcome estados for an action that has nothing to do there. */
#define WORKFLOW_NO_OUTCOMES                                                                       \
	[WORKFLOW_ARCHIVADO] = WORKFLOW_NO(WORKFLOW_WHY_DESENLACE),                                \
	[WORKFLOW_TRASLADADO] = WORKFLOW_NO(WORKFLOW_WHY_DESENLACE)
/* An outcome (archivo, traslado): from any open estado, keeping the estado left. */
#define WORKFLOW_OUTCOME(to_, g)                                                                   \
	[WORKFLOW_RECIBIDO] = WORKFLOW_TO(to_, g, WORKFLOW_FX_OUTCOME),                            \
	[WORKFLOW_REPARTIDO] = WORKFLOW_TO(to_, g, WORKFLOW_FX_OUTCOME),                           \
	[WORKFLOW_EN_REVISION] = WORKFLOW_TO(to_, g, WORKFLOW_FX_OUTCOME),                         \
	[WORKFLOW_DEVUELTO] = WORKFLOW_TO(to_, g, WORKFLOW_FX_OUTCOME),                            \
	[WORKFLOW_CONCLUIDO] = WORKFLOW_NO("está concluido: ya salió de la cola"),                 \
	WORKFLOW_NO_OUTCOMES

/* ---- The action table: one row per action; its cells say, per estado, what happens.
 * An annulled filing (estado anulado, or anulado in the document system) takes only the
 * cells marked on_annulled (the confirmation of the annulment, the reapertura of an
 * outcome): the rest is refused before the cells, so the anulado column is mostly empty.
 * The outcomes (archivo, traslado, anulacion) take a filing out of the queue; reapertura
 * brings it back to the estado it had (estado_anterior, recibido when none is known). */

static const struct workflow_action workflow_actions[] = {
    {
	.name = "reparto",
	.verb = "repartir",
	.roles = WORKFLOW_ROLES_REPARTO,
	.flags = WORKFLOW_F_NOT_TO_SAME,
	.annul_why = WORKFLOW_WHY_NO_GESTIONES,
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_TO("repartido", "reparto",
						  WORKFLOW_FX_ASSIGN | WORKFLOW_FX_START_CLOCK),
		/* a reasignación: the SLA clock keeps counting from the first reparto */
		[WORKFLOW_REPARTIDO] =
		    WORKFLOW_TO(WORKFLOW_SAME, "reasignacion", WORKFLOW_FX_ASSIGN),
		[WORKFLOW_EN_REVISION] =
		    WORKFLOW_TO(WORKFLOW_SAME, "reasignacion", WORKFLOW_FX_ASSIGN),
		[WORKFLOW_DEVUELTO] =
		    WORKFLOW_TO(WORKFLOW_SAME, "reasignacion", WORKFLOW_FX_ASSIGN),
		[WORKFLOW_CONCLUIDO] =
		    WORKFLOW_NO("primero el Director debe reabrirlo (gestión «reapertura»)"),
		WORKFLOW_NO_OUTCOMES,
	    },
    },
    {
	.name = "observacion",
	.verb = "registrar una observación en",
	.roles = WORKFLOW_ROLES_GESTION,
	.flags = WORKFLOW_F_GESTION | WORKFLOW_F_OWN | WORKFLOW_F_TEXT,
	.text_for = "una observación",
	.annul_why = WORKFLOW_WHY_NO_GESTIONES,
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_NO(WORKFLOW_WHY_REPARTIR),
		/* the assigned lawyer's first observation starts the review */
		[WORKFLOW_REPARTIDO] = {.to = WORKFLOW_SAME,
					.to_by_assigned = "en_revision",
					.gestion = "observacion"},
		[WORKFLOW_EN_REVISION] = WORKFLOW_TO(WORKFLOW_SAME, "observacion", 0),
		[WORKFLOW_DEVUELTO] = WORKFLOW_TO(WORKFLOW_SAME, "observacion", 0),
		[WORKFLOW_CONCLUIDO] = WORKFLOW_NO(WORKFLOW_WHY_CONCLUIDO),
		WORKFLOW_NO_OUTCOMES,
	    },
    },
    {
	.name = "devolucion",
	.verb = "devolver",
	.roles = WORKFLOW_ROLES_GESTION,
	.flags = WORKFLOW_F_GESTION | WORKFLOW_F_OWN | WORKFLOW_F_TEXT,
	.text_for = "devolver (las observaciones para el área)",
	.annul_why = WORKFLOW_WHY_NO_GESTIONES,
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_NO(WORKFLOW_WHY_REPARTIR),
		/* the SLA clock pauses until the reingreso */
		[WORKFLOW_REPARTIDO] =
		    WORKFLOW_TO("devuelto", "devolucion", WORKFLOW_FX_COUNT_RETURN),
		[WORKFLOW_EN_REVISION] =
		    WORKFLOW_TO("devuelto", "devolucion", WORKFLOW_FX_COUNT_RETURN),
		[WORKFLOW_DEVUELTO] =
		    WORKFLOW_NO("ya está en el área solicitante; registre primero su reingreso"),
		[WORKFLOW_CONCLUIDO] = WORKFLOW_NO(WORKFLOW_WHY_CONCLUIDO),
		WORKFLOW_NO_OUTCOMES,
	    },
    },
    {
	.name = "reingreso",
	.verb = "registrar el reingreso de",
	.roles = WORKFLOW_ROLES_GESTION,
	.flags = WORKFLOW_F_GESTION | WORKFLOW_F_OWN,
	.annul_why = WORKFLOW_WHY_NO_GESTIONES,
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_NO(WORKFLOW_WHY_REPARTIR),
		[WORKFLOW_REPARTIDO] = WORKFLOW_NO("solo reingresa un radicado devuelto"),
		[WORKFLOW_EN_REVISION] = WORKFLOW_NO("solo reingresa un radicado devuelto"),
		[WORKFLOW_DEVUELTO] = WORKFLOW_TO("en_revision", "reingreso", 0),
		[WORKFLOW_CONCLUIDO] = WORKFLOW_NO(WORKFLOW_WHY_CONCLUIDO),
		WORKFLOW_NO_OUTCOMES,
	    },
    },
    {
	.name = "conclusion",
	.verb = "concluir",
	.roles = WORKFLOW_ROLES_GESTION,
	.flags = WORKFLOW_F_GESTION | WORKFLOW_F_OWN | WORKFLOW_F_SAT,
	.annul_why = WORKFLOW_WHY_NO_GESTIONES,
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_NO(WORKFLOW_WHY_REPARTIR),
		[WORKFLOW_REPARTIDO] = WORKFLOW_TO("concluido", "conclusion", WORKFLOW_FX_CONCLUDE),
		[WORKFLOW_EN_REVISION] =
		    WORKFLOW_TO("concluido", "conclusion", WORKFLOW_FX_CONCLUDE),
		[WORKFLOW_DEVUELTO] = WORKFLOW_NO("está en el área solicitante; registre "
						  "primero el reingreso de su respuesta"),
		[WORKFLOW_CONCLUIDO] = WORKFLOW_NO(WORKFLOW_WHY_CONCLUIDO),
		WORKFLOW_NO_OUTCOMES,
	    },
    },
    {
	.name = "reapertura",
	.verb = "reabrir",
	.roles = AUTH_ROLE_DIRECTOR,
	.role_why = "solo el Director puede reabrir un radicado concluido",
	.flags = WORKFLOW_F_GESTION | WORKFLOW_F_OWN | WORKFLOW_F_TEXT,
	.text_for = "reabrir (el motivo)",
	.annul_why = WORKFLOW_WHY_NO_GESTIONES,
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_NO(WORKFLOW_WHY_REPARTIR),
		[WORKFLOW_REPARTIDO] = WORKFLOW_NO("solo se reabre un radicado concluido"),
		[WORKFLOW_EN_REVISION] = WORKFLOW_NO("solo se reabre un radicado concluido"),
		[WORKFLOW_DEVUELTO] = WORKFLOW_NO("solo se reabre un radicado concluido"),
		/* a new review round */
		[WORKFLOW_CONCLUIDO] = WORKFLOW_TO("en_revision", "reapertura", WORKFLOW_FX_REOPEN),
		/* an outcome undone: back to the estado it left */
		[WORKFLOW_ANULADO] = {.to = WORKFLOW_PREVIOUS,
				      .gestion = "reapertura",
				      .effects = WORKFLOW_FX_RESTORE,
				      .on_annulled = 1},
		[WORKFLOW_ARCHIVADO] = {.to = WORKFLOW_PREVIOUS,
					.gestion = "reapertura",
					.effects = WORKFLOW_FX_RESTORE,
					.on_annulled = 1},
		[WORKFLOW_TRASLADADO] = {.to = WORKFLOW_PREVIOUS,
					 .gestion = "reapertura",
					 .effects = WORKFLOW_FX_RESTORE,
					 .on_annulled = 1},
	    },
    },
    {
	.name = "archivo",
	.verb = "archivar",
	.roles = AUTH_ROLE_DIRECTOR,
	.role_why = "solo el Director puede archivar, trasladar o confirmar la anulación de un "
		    "radicado",
	.flags = WORKFLOW_F_GESTION | WORKFLOW_F_MOTIVO | WORKFLOW_F_MOTIVO_OK | WORKFLOW_F_NO_TEXT,
	.text_for = "archivar (por qué no es una solicitud de contratación)",
	.annul_why = WORKFLOW_WHY_CONFIRM_ANNUL,
	.next = {WORKFLOW_OUTCOME("archivado", "archivo")},
    },
    {
	.name = "traslado",
	.verb = "trasladar",
	.roles = AUTH_ROLE_DIRECTOR,
	.role_why = "solo el Director puede archivar, trasladar o confirmar la anulación de un "
		    "radicado",
	.flags =
	    WORKFLOW_F_GESTION | WORKFLOW_F_MOTIVO_OK | WORKFLOW_F_DESTINO | WORKFLOW_F_NO_TEXT,
	.annul_why = WORKFLOW_WHY_CONFIRM_ANNUL,
	.next = {WORKFLOW_OUTCOME("trasladado", "traslado")},
    },
    {
	/* the Director confirms what the document system shows: anulado, or its annulment
	 * requested (the office stops working on it either way) */
	.name = "anulacion",
	.verb = "confirmar la anulación de",
	.roles = AUTH_ROLE_DIRECTOR,
	.role_why = "solo el Director puede archivar, trasladar o confirmar la anulación de un "
		    "radicado",
	.flags =
	    WORKFLOW_F_GESTION | WORKFLOW_F_MOTIVO_OK | WORKFLOW_F_NO_TEXT | WORKFLOW_F_DS_ANNUL,
	.annul_why = "ya está confirmada",
	.next =
	    {
		[WORKFLOW_RECIBIDO] = {.to = "anulado",
				       .gestion = "anulacion",
				       .effects = WORKFLOW_FX_OUTCOME,
				       .on_annulled = 1},
		[WORKFLOW_REPARTIDO] = {.to = "anulado",
					.gestion = "anulacion",
					.effects = WORKFLOW_FX_OUTCOME,
					.on_annulled = 1},
		[WORKFLOW_EN_REVISION] = {.to = "anulado",
					  .gestion = "anulacion",
					  .effects = WORKFLOW_FX_OUTCOME,
					  .on_annulled = 1},
		[WORKFLOW_DEVUELTO] = {.to = "anulado",
				       .gestion = "anulacion",
				       .effects = WORKFLOW_FX_OUTCOME,
				       .on_annulled = 1},
		/* refusals that say why even when the filing is annulled */
		[WORKFLOW_CONCLUIDO] = {.why = "está concluido: ya salió de la cola",
					.on_annulled = 1},
		[WORKFLOW_ARCHIVADO] = {.why = WORKFLOW_WHY_DESENLACE, .on_annulled = 1},
		[WORKFLOW_TRASLADADO] = {.why = WORKFLOW_WHY_DESENLACE, .on_annulled = 1},
	    },
    },
    {
	/* PATCH of the follow-up fields: any estado, the estado unchanged, no gestion */
	.name = "edicion",
	.verb = "modificar",
	.roles = WORKFLOW_ROLES_EDICION,
	.flags = WORKFLOW_F_OWN | WORKFLOW_F_NAMED_ANNUL,
	.annul_why = "está anulado",
	.next =
	    {
		[WORKFLOW_RECIBIDO] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
		[WORKFLOW_REPARTIDO] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
		[WORKFLOW_EN_REVISION] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
		[WORKFLOW_DEVUELTO] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
		[WORKFLOW_CONCLUIDO] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
		[WORKFLOW_ARCHIVADO] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
		[WORKFLOW_TRASLADADO] = WORKFLOW_TO(WORKFLOW_SAME, NULL, 0),
	    },
    },
};
#define WORKFLOW_NACTIONS (sizeof(workflow_actions) / sizeof(workflow_actions[0]))

static const char *const workflow_estados[WORKFLOW_NESTADOS] = {
    "recibido",	 "repartido", "en_revision", "devuelto",
    "concluido", "anulado",   "archivado",   "trasladado"};

/* ---- The fields PATCH sets, and who may set each. The workflow's own fields (estado,
 * abogado_id, fecha_reparto, concluido_*, fecha_conclusion, devoluciones) are not here: they
 * change only through the actions above. */

#define WORKFLOW_EDIT_CASE (AUTH_ROLE_DIRECTOR | AUTH_ROLE_ABOGADO) /* the case itself */
/* the contract and its legalization: the support staff record them too */
#define WORKFLOW_EDIT_CONTRACT (WORKFLOW_EDIT_CASE | AUTH_ROLE_APOYO)

static const struct {
	enum store_fu_field field;
	int roles;
} workflow_fields[] = {
    {STORE_FU_TIPO_TRAMITE, WORKFLOW_EDIT_CASE},
    {STORE_FU_MODALIDAD, WORKFLOW_EDIT_CASE},
    {STORE_FU_NOVEDAD, WORKFLOW_EDIT_CASE},
    {STORE_FU_TIPO_GESTION, WORKFLOW_EDIT_CASE},
    {STORE_FU_OBSERVACIONES, WORKFLOW_EDIT_CASE},
    {STORE_FU_NUMERO_CONTRATO, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_CONTRATISTA, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_OBJETO, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_VALOR, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_FECHA_SUSCRIPCION, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_FECHA_RP, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_FECHA_APROBACION_GARANTIAS, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_FECHA_ARL, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_FECHA_ACTA_INICIO, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_PUBLICADO_SECOP, WORKFLOW_EDIT_CONTRACT},
    {STORE_FU_LINEA_PAA, WORKFLOW_EDIT_CONTRACT},
};

/* ---- Lookups */

const struct workflow_action *workflow_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < WORKFLOW_NACTIONS; i++) {
		if (strcmp(workflow_actions[i].name, name) == 0)
			return &workflow_actions[i];
	}
	return NULL;
}

const struct workflow_action *workflow_action_at(size_t i)
{
	return i < WORKFLOW_NACTIONS ? &workflow_actions[i] : NULL;
}

const char *workflow_gestion_at(size_t i)
{
	for (size_t k = 0; k < WORKFLOW_NACTIONS; k++) {
		if ((workflow_actions[k].flags & WORKFLOW_F_GESTION) == 0)
			continue;
		if (i == 0)
			return workflow_actions[k].name;
		i--;
	}
	return NULL;
}

int workflow_estado_parse(const char *name)
{
	for (int e = 0; name != NULL && e < WORKFLOW_NESTADOS; e++) {
		if (strcmp(workflow_estados[e], name) == 0)
			return e;
	}
	return -1;
}

int workflow_estado_is_outcome(const char *name)
{
	int e = workflow_estado_parse(name);

	return e == WORKFLOW_ANULADO || e == WORKFLOW_ARCHIVADO || e == WORKFLOW_TRASLADADO;
}

const char *workflow_estado_name(int e)
{
	return e >= 0 && e < WORKFLOW_NESTADOS ? workflow_estados[e] : "";
}

const char *workflow_estado_label(int e)
{
	if (e == WORKFLOW_EN_REVISION)
		return "en revisión";
	return e >= 0 && e < WORKFLOW_NESTADOS ? workflow_estados[e] : "desconocido";
}

/* ---- Decisions */

static enum workflow_verdict workflow_refuse(struct workflow_result *r, enum workflow_verdict v,
					     int before_state, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum workflow_verdict workflow_refuse(struct workflow_result *r, enum workflow_verdict v,
					     int before_state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->verdict = v;
	r->before_state = before_state;
	r->to = NULL;
	r->gestion = NULL;
	r->effects = 0;
	return v;
}

static enum workflow_verdict workflow_check_role(const struct workflow_action *a, int role,
						 struct workflow_result *r)
{
	if ((a->roles & role) != 0)
		return WORKFLOW_OK;
	if (a->role_why != NULL)
		return workflow_refuse(r, WORKFLOW_ROLE, 1, "%s", a->role_why);
	return workflow_refuse(r, WORKFLOW_ROLE, 1, "el rol %s no puede %s un radicado",
			       auth_role_name(role), a->verb);
}

enum workflow_verdict workflow_check_input(const struct workflow_action *a, int role,
					   const struct workflow_input *in,
					   struct workflow_result *r)
{
	memset(r, 0, sizeof(*r));
	if ((a->flags & WORKFLOW_F_SAT) != 0 && !in->sat_given)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1,
				       "la conclusión necesita «satisfactorio»: true o false");
	if ((a->flags & WORKFLOW_F_SAT) == 0 && in->sat_given)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1,
				       "«satisfactorio» solo corresponde a la conclusión");
	if ((a->flags & WORKFLOW_F_TEXT) != 0 && !in->has_text)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1, "«texto» es obligatorio para %s",
				       a->text_for != NULL ? a->text_for : a->name);
	if ((a->flags & WORKFLOW_F_NO_TEXT) != 0 && in->has_text)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1,
				       "«texto» no corresponde a la gestión «%s»: el motivo va en "
				       "«motivo»",
				       a->name);
	if ((a->flags & WORKFLOW_F_MOTIVO_OK) == 0 && in->has_motivo)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1,
				       "«motivo» solo corresponde al archivo, al traslado y a la "
				       "anulación");
	if ((a->flags & WORKFLOW_F_MOTIVO) != 0 && !in->has_motivo_text)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1, "«motivo» es obligatorio para %s",
				       a->text_for != NULL ? a->text_for : a->name);
	if ((a->flags & WORKFLOW_F_DESTINO) == 0 && in->has_destino)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1,
				       "«dependencia_destino» solo corresponde al traslado");
	if ((a->flags & WORKFLOW_F_DESTINO) != 0 && !in->has_destino)
		return workflow_refuse(r, WORKFLOW_BAD_INPUT, 1,
				       "«dependencia_destino» es obligatoria para trasladar: el "
				       "código de la dependencia que recibe el radicado");
	return workflow_check_role(a, role, r);
}

/* 1 when the document system says the filing is annulled or its annulment requested. */
static int workflow_ds_annulled(const char *estado_ds)
{
	return estado_ds != NULL && (strcmp(estado_ds, "anulado") == 0 ||
				     strcmp(estado_ds, "anulacion_solicitada") == 0);
}

enum workflow_verdict workflow_decide(const struct workflow_case *c, struct workflow_result *r)
{
	const struct workflow_action *a = c->action;
	int e = workflow_estado_parse(c->estado);
	const struct workflow_cell *cell;
	const char *numero = c->numero != NULL ? c->numero : "";

	memset(r, 0, sizeof(*r));
	if (workflow_check_role(a, c->role, r) != WORKFLOW_OK)
		return r->verdict;
	if ((a->flags & WORKFLOW_F_OWN) != 0 && c->role == AUTH_ROLE_ABOGADO && !c->assigned)
		return workflow_refuse(r, WORKFLOW_NOT_OWN, 1,
				       "el radicado %s no está asignado a usted: solo el abogado "
				       "asignado o el Director pueden modificarlo",
				       numero);
	cell = e >= 0 ? &a->next[e] : NULL;
	if ((e == WORKFLOW_ANULADO ||
	     (c->estado_ds != NULL && strcmp(c->estado_ds, "anulado") == 0)) &&
	    (cell == NULL || !cell->on_annulled)) {
		if ((a->flags & WORKFLOW_F_NAMED_ANNUL) != 0)
			return workflow_refuse(r, WORKFLOW_ANNULLED, 1,
					       "no se puede %s el radicado %s: %s", a->verb, numero,
					       a->annul_why);
		return workflow_refuse(r, WORKFLOW_ANNULLED, 1,
				       "no se puede %s un radicado anulado: %s", a->verb,
				       a->annul_why);
	}
	if ((a->flags & WORKFLOW_F_DS_ANNUL) != 0 && !workflow_ds_annulled(c->estado_ds))
		return workflow_refuse(
		    r, WORKFLOW_TRANSITION, 0,
		    "el radicado %s no está anulado ni con anulación solicitada en "
		    "el sistema documental: no hay anulación que confirmar",
		    numero);
	if (cell == NULL || cell->to == NULL)
		return workflow_refuse(
		    r, WORKFLOW_TRANSITION, 0, "no se puede %s un radicado en estado %s: %s",
		    a->verb, workflow_estado_label(e),
		    cell != NULL && cell->why != NULL ? cell->why : "transición no prevista");
	if ((a->flags & WORKFLOW_F_NOT_TO_SAME) != 0 && c->same_lawyer)
		return workflow_refuse(r, WORKFLOW_TRANSITION, 0,
				       "no se puede %s el radicado %s al abogado %lld: ya lo tiene "
				       "asignado",
				       a->verb, numero, c->lawyer_id);
	r->verdict = WORKFLOW_OK;
	r->to = cell->to;
	if (cell->to_by_assigned != NULL && c->role == AUTH_ROLE_ABOGADO && c->assigned)
		r->to = cell->to_by_assigned;
	if (strcmp(r->to, WORKFLOW_SAME) == 0)
		r->to = workflow_estados[e];
	if (strcmp(r->to, WORKFLOW_PREVIOUS) == 0) {
		int before = workflow_estado_parse(c->estado_anterior);

		/* an estado left by an outcome is an open one; anything else: the start */
		if (before < 0 || before == WORKFLOW_CONCLUIDO ||
		    workflow_estado_is_outcome(c->estado_anterior))
			before = WORKFLOW_RECIBIDO;
		r->to = workflow_estados[before];
	}
	r->from = workflow_estados[e];
	r->gestion = cell->gestion;
	r->effects = cell->effects;
	r->dependencia_destino = c->dependencia_destino;
	return WORKFLOW_OK;
}

void workflow_apply(const struct workflow_result *r, struct follow_up *cur, const char *now,
		    int satisfactorio, long long lawyer_id, char *datos)
{
	char num[24];

	datos[0] = '\0';
	if ((r->effects & WORKFLOW_FX_ASSIGN) != 0) {
		const char *before = cur->v[STORE_FU_ABOGADO_ID];

		if ((r->effects & WORKFLOW_FX_START_CLOCK) != 0)
			snprintf(datos, WORKFLOW_DATOS_LEN, "{\"abogado_id\":%lld}", lawyer_id);
		else
			snprintf(datos, WORKFLOW_DATOS_LEN, "{\"de\":%s,\"a\":%lld}",
				 before != NULL ? before : "null", lawyer_id);
		snprintf(num, sizeof(num), "%lld", lawyer_id);
		follow_up_set(cur, STORE_FU_ABOGADO_ID, num);
	}
	follow_up_set(cur, STORE_FU_ESTADO, r->to);
	if ((r->effects & WORKFLOW_FX_START_CLOCK) != 0)
		follow_up_set(cur, STORE_FU_FECHA_REPARTO, now);
	if ((r->effects & WORKFLOW_FX_COUNT_RETURN) != 0) {
		long n = 0;

		if (cur->v[STORE_FU_DEVOLUCIONES] != NULL)
			parse_long(cur->v[STORE_FU_DEVOLUCIONES], 0, WORKFLOW_COUNT_MAX, &n);
		snprintf(num, sizeof(num), "%ld", n + 1);
		follow_up_set(cur, STORE_FU_DEVOLUCIONES, num);
	}
	if ((r->effects & WORKFLOW_FX_CONCLUDE) != 0) {
		follow_up_set(cur, STORE_FU_CONCLUIDO_SATISFACTORIO, satisfactorio ? "1" : "0");
		follow_up_set(cur, STORE_FU_FECHA_CONCLUSION, now);
	}
	if ((r->effects & WORKFLOW_FX_REOPEN) != 0) {
		follow_up_set(cur, STORE_FU_CONCLUIDO_SATISFACTORIO, NULL);
		follow_up_set(cur, STORE_FU_FECHA_CONCLUSION, NULL);
	}
	if ((r->effects & WORKFLOW_FX_OUTCOME) != 0) {
		/* the destination is digits (the route checks it): no JSON escaping needed */
		if (r->dependencia_destino != NULL && r->dependencia_destino[0] != '\0' &&
		    r->dependencia_destino[strspn(r->dependencia_destino, "0123456789")] == '\0')
			snprintf(datos, WORKFLOW_DATOS_LEN,
				 "{\"estado_anterior\":\"%s\",\"dependencia_destino\":\"%s\"}",
				 r->from, r->dependencia_destino);
		else
			snprintf(datos, WORKFLOW_DATOS_LEN, "{\"estado_anterior\":\"%s\"}",
				 r->from);
		follow_up_set(cur, STORE_FU_ESTADO_ANTERIOR, r->from);
	}
	if ((r->effects & WORKFLOW_FX_RESTORE) != 0) {
		snprintf(datos, WORKFLOW_DATOS_LEN, "{\"desde\":\"%s\",\"a\":\"%s\"}", r->from,
			 r->to);
		follow_up_set(cur, STORE_FU_ESTADO_ANTERIOR, NULL);
	}
}

/* ---- Fields */

int workflow_field_roles(enum store_fu_field f)
{
	for (size_t i = 0; i < sizeof(workflow_fields) / sizeof(workflow_fields[0]); i++) {
		if (workflow_fields[i].field == f)
			return workflow_fields[i].roles;
	}
	return 0;
}

int workflow_field_check(enum store_fu_field f, int role, const char *name, char *why)
{
	if ((workflow_field_roles(f) & role) != 0)
		return 0;
	if (role == AUTH_ROLE_APOYO && workflow_field_roles(f) != 0)
		snprintf(why, WORKFLOW_MSG_LEN,
			 "el rol apoyo solo registra datos del contrato y de legalización; «%s» no "
			 "es uno de ellos",
			 name);
	else
		snprintf(why, WORKFLOW_MSG_LEN, "el rol %s no puede cambiar «%s»",
			 auth_role_name(role), name);
	return -1;
}
