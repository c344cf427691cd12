/* workflow.h -- the follow-up's rules, free of HTTP: one table of actions (reparto, the
 * gestiones, editing) saying who may take each, what it needs and, per estado, where it
 * leads or why not (in Spanish); and the table of which follow-up fields each role edits. */
#ifndef SEGCONT_WORKFLOW_H
#define SEGCONT_WORKFLOW_H

#include <stddef.h>

#include "auth.h"
#include "store.h"

#define WORKFLOW_MSG_LEN 512
#define WORKFLOW_DATOS_LEN 128 /* the JSON "datos" of a reparto, reasignacion or outcome */

/* Who may take the actions (enum auth_role bits); the routes allow these roles. */
#define WORKFLOW_ROLES_REPARTO AUTH_ROLE_DIRECTOR
#define WORKFLOW_ROLES_GESTION (AUTH_ROLE_DIRECTOR | AUTH_ROLE_ABOGADO)
#define WORKFLOW_ROLES_EDICION (AUTH_ROLE_DIRECTOR | AUTH_ROLE_ABOGADO | AUTH_ROLE_APOYO)

/* The follow-up states, in the order of DESIGN.md. */
enum workflow_estado {
	WORKFLOW_RECIBIDO,
	WORKFLOW_REPARTIDO,
	WORKFLOW_EN_REVISION,
	WORKFLOW_DEVUELTO,
	WORKFLOW_CONCLUIDO,
	WORKFLOW_ANULADO,
	/* the outcomes that take a filing out of the queue (with anulado): no SLA clock, not
	 * in «Sin repartir», in no lawyer's load; undone by the Director's reapertura */
	WORKFLOW_ARCHIVADO,
	WORKFLOW_TRASLADADO,
	WORKFLOW_NESTADOS
};

/* What an action changes besides the estado (bits; workflow_apply does it). */
enum workflow_effect {
	WORKFLOW_FX_ASSIGN = 1 << 0,	   /* abogado_id becomes the lawyer named */
	WORKFLOW_FX_START_CLOCK = 1 << 1,  /* fecha_reparto = now (the first reparto) */
	WORKFLOW_FX_COUNT_RETURN = 1 << 2, /* devoluciones + 1 */
	WORKFLOW_FX_CONCLUDE = 1 << 3,	   /* concluido_satisfactorio, fecha_conclusion = now */
	WORKFLOW_FX_REOPEN = 1 << 4,	   /* both of those cleared */
	WORKFLOW_FX_OUTCOME = 1 << 5,	   /* estado_anterior = the estado left */
	WORKFLOW_FX_RESTORE = 1 << 6,	   /* estado_anterior cleared (to: WORKFLOW_PREVIOUS) */
};

/* One action's outcome in one estado: the estado it leads to (WORKFLOW_SAME: unchanged;
 * WORKFLOW_PREVIOUS: the filing's estado_anterior, recibido when it has none; NULL: refused
 * with why), the one it leads to when the assigned lawyer takes it (NULL: as to), the
 * gestion row it writes (NULL: none), its effects, and whether it applies to a filing
 * annulled (here or in the document system), which otherwise takes nothing. A cell left
 * out of the table is a refusal ("transición no prevista"). */
struct workflow_cell {
	const char *to;
	const char *to_by_assigned;
	const char *gestion;
	unsigned effects;
	const char *why;
	int on_annulled;
};
#define WORKFLOW_SAME "="
#define WORKFLOW_PREVIOUS "<"

enum workflow_flag {
	WORKFLOW_F_GESTION = 1 << 0,	 /* registered through POST .../gestiones */
	WORKFLOW_F_OWN = 1 << 1,	 /* a lawyer takes it only on a filing assigned to them */
	WORKFLOW_F_TEXT = 1 << 2,	 /* texto is required (not only white space) */
	WORKFLOW_F_SAT = 1 << 3,	 /* satisfactorio is required (and refused elsewhere) */
	WORKFLOW_F_NAMED_ANNUL = 1 << 4, /* the annulled reason names the filing */
	WORKFLOW_F_NOT_TO_SAME = 1 << 5, /* refused when it names the lawyer already assigned */
	WORKFLOW_F_MOTIVO = 1 << 6,	 /* motivo is required (not only white space) */
	WORKFLOW_F_MOTIVO_OK = 1 << 7,	 /* motivo is admitted (and refused elsewhere) */
	WORKFLOW_F_DESTINO = 1 << 8,   /* dependencia_destino is required (and refused elsewhere) */
	WORKFLOW_F_NO_TEXT = 1 << 9,   /* texto is refused: the reason goes in motivo */
	WORKFLOW_F_DS_ANNUL = 1 << 10, /* only when the document system says anulado or
					  anulacion_solicitada */
};

/* One row of the action table. */
struct workflow_action {
	const char *name;      /* the gestion's tipo ("devolucion") or the action's name */
	const char *verb;      /* as in "no se puede <verb> un radicado en estado ..." */
	int roles;	       /* enum auth_role bits that may take it */
	const char *role_why;  /* the reason given to other roles; NULL: a general one */
	unsigned flags;	       /* enum workflow_flag */
	const char *text_for;  /* WORKFLOW_F_TEXT: "«texto» es obligatorio para <text_for>" */
	const char *annul_why; /* the tail of the reason when annulled */
	struct workflow_cell next[WORKFLOW_NESTADOS]; /* by enum workflow_estado */
};

/* The action named name ("reparto", "observacion", ..., "edicion"), or NULL. Static. */
const struct workflow_action *workflow_find(const char *name);
/* The i-th action, or NULL past the last: for walking the table. Static. */
const struct workflow_action *workflow_action_at(size_t i);
/* The name of the i-th action registered through POST .../gestiones (in table order), or
 * NULL past the last: the values of the gestion's "tipo". Static. */
const char *workflow_gestion_at(size_t i);

/* The estado of a name, or -1 when it is none of them. */
int workflow_estado_parse(const char *name);
/* 1 when the estado named is an outcome that took the filing out of the queue (archivado,
 * trasladado, anulado): no SLA clock, no load, not unassigned. */
int workflow_estado_is_outcome(const char *name);
/* The name of an estado ("en_revision"), and how messages write it ("en revisión").
 * Static; "" / "desconocido" outside the enum. */
const char *workflow_estado_name(int e);
const char *workflow_estado_label(int e);

/* One request to act on one filing, as facts (no database, no HTTP). */
struct workflow_case {
	const struct workflow_action *action;
	const char *estado;    /* seguimiento.estado as stored */
	const char *estado_ds; /* the document system's: vigente, anulacion_solicitada, anulado */
	int role;	       /* the caller's enum auth_role bit */
	int assigned;	       /* the caller is the lawyer the filing is assigned to */
	int same_lawyer;       /* reparto: the lawyer named is the one already assigned */
	const char *numero;    /* for the messages only */
	long long lawyer_id;   /* reparto: the lawyer named, for the messages only */
	const char *estado_anterior;	 /* seguimiento.estado_anterior (NULL: none) */
	const char *dependencia_destino; /* traslado: the dependency named (borrowed) */
};

enum workflow_verdict {
	WORKFLOW_OK,
	WORKFLOW_ROLE,	     /* the role may not take this action */
	WORKFLOW_NOT_OWN,    /* a lawyer, on a filing that is not theirs */
	WORKFLOW_BAD_INPUT,  /* texto or satisfactorio missing or out of place */
	WORKFLOW_ANNULLED,   /* annulled here or in the document system */
	WORKFLOW_TRANSITION, /* not from this estado */
};

/* The decision. On WORKFLOW_OK, to is the new estado (a static name, the old one when
 * unchanged), gestion the gestion row to write (NULL: none) and effects what else changes. */
struct workflow_result {
	enum workflow_verdict verdict;
	int before_state; /* refused on who or what the filing is, before looking at its estado */
	const char *to;
	const char *gestion;
	unsigned effects;
	const char *from;		 /* the estado left (static) */
	const char *dependencia_destino; /* c's, borrowed: written into the gestion's datos */
	char why[WORKFLOW_MSG_LEN];	 /* the Spanish reason when refused */
};

/* What a gestion's body brings, for the checks made before the filing is read. */
struct workflow_input {
	int has_text;	/* texto with something besides white space */
	int sat_given;	/* satisfactorio true or false */
	int has_motivo; /* motivo given (has_motivo_text: with something besides white space) */
	int has_motivo_text;
	int has_destino; /* dependencia_destino given */
};

/* The checks that need no filing: the role and the body's members (in). Returns r->verdict
 * (WORKFLOW_OK, WORKFLOW_BAD_INPUT or WORKFLOW_ROLE, in the order satisfactorio, texto,
 * motivo, dependencia_destino, role). Cannot fail otherwise. */
enum workflow_verdict workflow_check_input(const struct workflow_action *a, int role,
					   const struct workflow_input *in,
					   struct workflow_result *r);
/* Decides c: the role, the lawyer's own filings, annulment (these set r->before_state),
 * then the table cell of the filing's estado and, for a reparto, the lawyer already
 * assigned. Returns r->verdict. Pure; cannot fail otherwise. */
enum workflow_verdict workflow_decide(const struct workflow_case *c, struct workflow_result *r);

/* Applies an accepted r to cur (a copy of the stored follow-up): estado and effects, with
 * now (ISO 8601), satisfactorio (0/1, for the conclusion) and lawyer_id (a reparto). Fills
 * datos (WORKFLOW_DATOS_LEN) with the gestion's JSON "datos", or "" for none: an outcome's
 * {"estado_anterior", "dependencia_destino" (traslado)}, a restoring reapertura's
 * {"desde", "a"}. */
void workflow_apply(const struct workflow_result *r, struct follow_up *cur, const char *now,
		    int satisfactorio, long long lawyer_id, char *datos);

/* The roles (enum auth_role bits) that may set follow-up field f with PATCH; 0 for a field
 * no one edits there (the workflow's own fields change only through the actions). */
int workflow_field_roles(enum store_fu_field f);
/* 0 when role may set f, else -1 with the Spanish reason (name: how the client named it)
 * in why (WORKFLOW_MSG_LEN). */
int workflow_field_check(enum store_fu_field f, int role, const char *name, char *why);

#endif
