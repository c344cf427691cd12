/* fakecmis_gen.c -- generates the default repository from a seed: every weekday a fixed number
 * of memos from the entity's areas and letters from outside (the vocabulary of fakeds), plus
 * the folders, minutes, annexes and the history (updates, deletions, permission changes) that
 * a real repository's change log holds. */
#include "fakecmis_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecmis_time.h"
#include "sim_rand.h"
#include "util.h"

#define FAKECMIS_GEN_PCT_OTHER_DEP 25	/* % of filings now held by another dependency */
#define FAKECMIS_GEN_PCT_ENTRADA 15	/* % of filings that come from outside (type 2) */
#define FAKECMIS_GEN_PCT_UPDATED 10	/* % of the others updated once after filing */
#define FAKECMIS_GEN_PCT_ANEXO 5	/* % of filings with an annex */
#define FAKECMIS_GEN_PERMIL_DELETED 10	/* per mille of filings deleted soon after filing */
#define FAKECMIS_GEN_PERMIL_SECURITY 10 /* per mille of filings whose permissions change */
#define FAKECMIS_GEN_SEQ_SLOTS 256	/* number sequences tracked at once */
#define FAKECMIS_GEN_DAY_MS 86400000LL
#define FAKECMIS_GEN_VENTANILLA FAKECMIS_REPO_VENTANILLA

struct fakecmis_gen_area {
	const char *code;
	const char *name;
};

/* The entity's requesting areas; the last entry is the mail room. */
static const struct fakecmis_gen_area fakecmis_gen_areas[] = {
    {"110", "Oficina Asesora Jurídica"},
    {"120", "Oficina Asesora de Planeación"},
    {"130", "Oficina de Tecnologías de la Información"},
    {"140", "Oficina de Control Interno"},
    {"211", "Subdirección Financiera"},
    {"212", "Subdirección de Talento Humano"},
    {"213", "Subdirección Administrativa y Logística"},
    {"310", "Dirección de Gestión Territorial"},
    {FAKECMIS_GEN_VENTANILLA, "Ventanilla Única de Correspondencia"},
};
#define FAKECMIS_GEN_N_AREAS 8 /* the requesting areas: all entries but the mail room */

static const char *const fakecmis_gen_orgs[] = {
    "Consorcio Vías & Andenes 2023",
    "Unión Temporal Soluciones TIC Colombia",
    "Fondo de Desarrollo Local de Suba",
    "Empresa de Acueducto y Alcantarillado de Bogotá E.S.P.",
    "Compañía Aseguradora de Fianzas S.A. – Confianza",
    "Universidad Nacional de Colombia – Sede Bogotá",
    "Señales & Comunicaciones Núñez S.A.S.",
};

static const char *const fakecmis_gen_people[] = {
    "María Fernanda Peña Muñoz",	 "José Luis Gómez Ávila",
    "Ana Lucía Rodríguez Cárdenas",	 "Andrés Felipe Martínez Ortiz",
    "Luz Ángela Díaz Beltrán",		 "Carlos Julián Pérez Núñez",
    "Sofía Catalina Hernández Quiñones", "Jorge Iván Ramírez Londoño",
    "Paola Andrea Suárez Güiza",	 "Héctor Fabio Castaño Ospina",
    "Mónica Patricia Zúñiga León",	 "Óscar Eduardo Ibáñez Rincón",
};

static const char *const fakecmis_gen_objects[] = {
    "adquisición de equipos de cómputo & periféricos",
    "mantenimiento preventivo y correctivo del parque automotor",
    "servicio integral de vigilancia y seguridad privada",
    "suministro de papelería y útiles de oficina",
    "obras de adecuación de la sede administrativa",
    "licenciamiento de software ofimático y antivirus",
    "servicio de aseo, cafetería y mantenimiento locativo",
    "adquisición de pólizas del programa de seguros",
    "interventoría técnica, administrativa y financiera de la obra de la sede",
};

/* Subject templates: {A} the requesting area or organisation, {C} a contract number, {O} an
 * object, {N} a small number, {P} a person. tdoc is TDOC_CODI; externo: also fits a letter
 * from outside. */
struct fakecmis_gen_template {
	const char *text;
	const char *tdoc;
	int externo;
};

static const struct fakecmis_gen_template fakecmis_gen_templates[] = {
    {"Solicitud de contratación directa prestación de servicios profesionales - {A}", "1070", 0},
    {"Solicitud de contratación directa prestación de servicios profesionales - {A}", "1070", 0},
    {"Solicitud de contratación directa prestación de servicios de apoyo a la gestión - {A}",
     "1070", 0},
    {"Solicitud de contratación directa para {O}", "1070", 0},
    {"Estudios previos proceso de licitación pública para {O}", "1073", 0},
    {"Solicitud de apertura de licitación pública - {O}", "1073", 0},
    {"Solicitud de proceso de selección abreviada de menor cuantía para {O}", "1073", 0},
    {"Selección abreviada por subasta inversa: {O}", "1073", 0},
    {"Solicitud de concurso de méritos para interventoría de {O}", "1073", 0},
    {"Solicitud de proceso de mínima cuantía (valor < 10% de la menor cuantía) - {O}", "1073", 0},
    {"Invitación pública de mínima cuantía para {O}", "1073", 0},
    {"Solicitud de adición al contrato {C}", "1071", 1},
    {"Solicitud de prórroga al contrato {C}", "1071", 1},
    {"Solicitud de adición y prórroga al contrato {C} & otrosí N° {N}", "1071", 0},
    {"Otrosí N° {N} al contrato {C}", "1071", 0},
    {"Solicitud de modificación del contrato {C}", "1071", 1},
    {"Solicitud de cesión del contrato {C} a favor de {P}", "1071", 1},
    {"Solicitud de suspensión del contrato {C}", "1071", 1},
    {"Solicitud de reinicio del contrato {C}", "1071", 1},
    {"Liquidación bilateral convenio interadministrativo {C}", "1072", 1},
    {"Solicitud de liquidación del contrato {C}", "1072", 1},
    {"Terminación anticipada de mutuo acuerdo del contrato {C}", "1072", 1},
    {"Derecho de petición - copia del expediente contractual {C}", "1200", 1},
    {"Solicitud de certificación contractual de {P}", "1300", 1},
    {"Remisión de informe de supervisión & seguimiento del contrato {C}", "1074", 0},
    {"Invitación a capacitación en gestión documental", "0", 1},
    /* Characters that windows-1252 has at 0x80 ... 0x9F (– “ ”), so that its bytes differ
     * from ISO-8859-1's (numeric references) in the list as well as in the detail. */
    {"Solicitud de contratación directa – {A} – “{O}”", "1070", 0},
    {"Solicitud de prórroga del contrato {C} – “ampliación del plazo de ejecución”", "1071", 1},
};

static const char *const fakecmis_gen_other_tdoc[] = {"0", "0", "1001", "1075", "1100"};

/* Other documents of the repository (type cmis:document), one every few weekdays. */
static const char *const fakecmis_gen_documents[][2] = {
    {"Acta de comité de contratación N° %ld.pdf", "application/pdf"},
    {"Plan anual de adquisiciones %d - versión %ld.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"Informe de gestión contractual %d-%ld.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
};

struct fakecmis_gen_seq {
	char key[32]; /* the number's prefix + type digit */
	long next;
};

struct fakecmis_gen {
	struct fakecmis_repo *r;
	unsigned long long prng;
	struct fakecmis_gen_seq seqs[FAKECMIS_GEN_SEQ_SLOTS];
	size_t nseqs;
	long long end_ms; /* the last millisecond of --to, Bogotá time */
	char radicados_id[FAKECMIS_ID_MAX + 1];
};

#define FAKECMIS_GEN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *fakecmis_gen_area_name(const char *code)
{
	for (size_t i = 0; i < FAKECMIS_GEN_COUNT(fakecmis_gen_areas); i++) {
		if (strcmp(fakecmis_gen_areas[i].code, code) == 0)
			return fakecmis_gen_areas[i].name;
	}
	return NULL;
}

/* A draw in [0, n). */
static unsigned long fakecmis_gen_pick(struct fakecmis_gen *g, unsigned long n)
{
	return (unsigned long)(sim_rand_mix(&g->prng) % n);
}

static long fakecmis_gen_between(struct fakecmis_gen *g, long lo, long hi)
{
	return lo + (long)fakecmis_gen_pick(g, (unsigned long)(hi - lo + 1));
}

/* Seconds after midnight of one filing: office hours mostly, with some just after midnight,
 * at noon, after the 16:30 closing and in the evening (as fakeds). */
static long fakecmis_gen_time_of_day(struct fakecmis_gen *g)
{
	unsigned long r = fakecmis_gen_pick(g, 100);

	if (r < 4)
		return fakecmis_gen_between(g, 0, 3599);
	if (r < 8)
		return fakecmis_gen_between(g, 18 * 3600, 24 * 3600 - 1);
	if (r < 18)
		return fakecmis_gen_between(g, 16 * 3600 + 1800, 18 * 3600 - 1);
	if (r < 28)
		return fakecmis_gen_between(g, 12 * 3600, 13 * 3600 - 1);
	return fakecmis_gen_between(g, 7 * 3600, 16 * 3600 + 1799);
}

static int fakecmis_gen_folios(struct fakecmis_gen *g)
{
	unsigned long r = fakecmis_gen_pick(g, 100);

	if (r < 60)
		return (int)fakecmis_gen_between(g, 1, 5);
	if (r < 90)
		return (int)fakecmis_gen_between(g, 6, 30);
	return (int)fakecmis_gen_between(g, 31, 180);
}

static const char *fakecmis_gen_person(struct fakecmis_gen *g)
{
	return fakecmis_gen_people[fakecmis_gen_pick(g, FAKECMIS_GEN_COUNT(fakecmis_gen_people))];
}

/* Expands a template into out: {A} who, {C} a contract, {O} an object, {N} a small number,
 * {P} a person. */
static void fakecmis_gen_subject(struct fakecmis_gen *g, const char *tpl, const char *who, int year,
				 struct buf *out)
{
	static const char *const series[] = {"4120000", "4220000", "4320000"};

	buf_reset(out);
	for (const char *p = tpl; *p; p++) {
		if (p[0] != '{' || p[1] == '\0' || p[2] != '}') {
			buf_append(out, p, 1);
			continue;
		}
		switch (p[1]) {
		case 'A':
			buf_puts(out, who);
			break;
		case 'C':
			buf_printf(out, "%s-%ld-%ld", series[fakecmis_gen_pick(g, 3)],
				   fakecmis_gen_between(g, 1, 1500),
				   (long)year - (long)fakecmis_gen_pick(g, 3));
			break;
		case 'O':
			buf_puts(out, fakecmis_gen_objects[fakecmis_gen_pick(
					  g, FAKECMIS_GEN_COUNT(fakecmis_gen_objects))]);
			break;
		case 'N':
			buf_printf(out, "%ld", fakecmis_gen_between(g, 1, 4));
			break;
		case 'P':
			buf_puts(out, fakecmis_gen_person(g));
			break;
		default:
			buf_append(out, p, 3);
			break;
		}
		p += 2;
	}
}

/* The next number of the shape the repository uses for (year, dependency, type): sequences
 * start somewhere in the year's past and advance with gaps. Returns 0 or -1 on overflow. */
static int fakecmis_gen_number(struct fakecmis_gen *g, int year, const char *dep, char tipo,
			       char *out, size_t outlen)
{
	char prefix[24];
	char key[32];
	struct fakecmis_gen_seq *s = NULL;

	fakecmis_numero_prefix(g->r->numeros, year, dep, tipo, prefix, sizeof(prefix));
	snprintf(key, sizeof(key), "%s%c", prefix, tipo);
	for (size_t i = 0; i < g->nseqs; i++) {
		if (strcmp(g->seqs[i].key, key) == 0)
			s = &g->seqs[i];
	}
	if (s == NULL) {
		/* Full table: the oldest year's sequences are no longer needed. */
		if (g->nseqs == FAKECMIS_GEN_SEQ_SLOTS) {
			memmove(&g->seqs[0], &g->seqs[1], (g->nseqs - 1) * sizeof(g->seqs[0]));
			g->nseqs--;
		}
		s = &g->seqs[g->nseqs++];
		strlcpy_s(s->key, key, sizeof(s->key));
		s->next = g->r->numeros == FAKECMIS_NUM_ORFEO
			      ? fakecmis_gen_between(g, 1, 400)
			      : fakecmis_gen_between(g, 1000, 20000);
	}
	if (fakecmis_numero_make(g->r->numeros, prefix, tipo, s->next, out, outlen) < 0)
		return -1;
	s->next += fakecmis_gen_between(g, 1, 4);
	return 0;
}

/* The senders: an area or organisation name mostly, sometimes several names (a multi-valued
 * sgd:remitente), now and then a list of one. */
static void fakecmis_gen_senders(struct fakecmis_gen *g, struct fakecmis_object *o, const char *who,
				 int entrada)
{
	const char *v[2];
	unsigned long r = fakecmis_gen_pick(g, 100);

	if (!entrada) {
		v[0] = who;
		if (r < 80) {
			fakecmis_object_set_remitentes(o, v, 1, 0);
		} else if (r < 97) {
			v[1] = fakecmis_gen_person(g);
			fakecmis_object_set_remitentes(o, v, 2, 1);
		} else {
			fakecmis_object_set_remitentes(o, v, 1, 1);
		}
		return;
	}
	if (r < 55) {
		v[0] = who;
		fakecmis_object_set_remitentes(o, v, 1, 0);
	} else if (r < 85) {
		v[0] = fakecmis_gen_person(g);
		v[1] = who;
		fakecmis_object_set_remitentes(o, v, 2, 1);
	} else if (r < 95) {
		v[0] = fakecmis_gen_person(g);
		fakecmis_object_set_remitentes(o, v, 1, 0);
	} else {
		v[0] = who;
		fakecmis_object_set_remitentes(o, v, 1, 1);
	}
}

/* Fills the fields of one filing that do not depend on its number. */
static void fakecmis_gen_fill(struct fakecmis_gen *g, struct fakecmis_object *f, int year,
			      struct buf *subject)
{
	int entrada = fakecmis_gen_pick(g, 100) < FAKECMIS_GEN_PCT_ENTRADA;
	const struct fakecmis_gen_template *t;
	const char *who;

	f->folios = fakecmis_gen_folios(g);
	if (entrada) {
		who =
		    fakecmis_gen_orgs[fakecmis_gen_pick(g, FAKECMIS_GEN_COUNT(fakecmis_gen_orgs))];
		f->tipo = '2';
		fakecmis_object_set(f, FT_DEP_RADICADORA, FAKECMIS_GEN_VENTANILLA);
		do {
			t = &fakecmis_gen_templates[fakecmis_gen_pick(
			    g, FAKECMIS_GEN_COUNT(fakecmis_gen_templates))];
		} while (!t->externo);
	} else {
		const struct fakecmis_gen_area *a =
		    &fakecmis_gen_areas[fakecmis_gen_pick(g, FAKECMIS_GEN_N_AREAS)];

		who = a->name;
		f->tipo = '3';
		fakecmis_object_set(f, FT_DEP_RADICADORA, a->code);
		t = &fakecmis_gen_templates[fakecmis_gen_pick(
		    g, FAKECMIS_GEN_COUNT(fakecmis_gen_templates))];
	}
	fakecmis_gen_senders(g, f, who, entrada);
	fakecmis_gen_subject(g, t->text, who, year, subject);
	fakecmis_object_set(f, FT_ASUNTO, subject->data);
	fakecmis_object_set(f, FT_TIPO_DOCUMENTAL,
			    fakecmis_gen_pick(g, 100) < 85
				? t->tdoc
				: fakecmis_gen_other_tdoc[fakecmis_gen_pick(
				      g, FAKECMIS_GEN_COUNT(fakecmis_gen_other_tdoc))]);

	/* Where it is now: mostly the office, else an area (moved out: an update event). */
	fakecmis_object_set(f, FT_DEP_ACTUAL, g->r->office);
	if (fakecmis_gen_pick(g, 100) < FAKECMIS_GEN_PCT_OTHER_DEP) {
		const char *dep;

		do {
			dep = fakecmis_gen_areas[fakecmis_gen_pick(
						     g, FAKECMIS_GEN_COUNT(fakecmis_gen_areas))]
				  .code;
		} while (strcmp(dep, g->r->office) == 0);
		fakecmis_object_set(f, FT_DEP_ACTUAL, dep);
	}

	/* Annulment: a few requested, fewer annulled. */
	switch (fakecmis_gen_pick(g, 100)) {
	case 0:
	case 1:
		f->estado = FAKECMIS_ANULACION_SOLICITADA;
		break;
	case 2:
		f->estado = FAKECMIS_ANULADO;
		break;
	default:
		f->estado = FAKECMIS_VIGENTE;
		break;
	}
}

/* A time after from_ms by lo ... hi ms, with its own milliseconds, never past the end of
 * --to (nor before from_ms + 1). */
static long long fakecmis_gen_later(struct fakecmis_gen *g, long long from_ms, long lo, long hi)
{
	long long t = from_ms + fakecmis_gen_between(g, lo, hi);

	if (t > g->end_ms)
		t = g->end_ms;
	return t > from_ms ? t : from_ms + 1;
}

/* Makes a folder, document or annex (not inserted). */
static struct fakecmis_object *fakecmis_gen_other(struct fakecmis_gen *g, enum fakecmis_kind kind,
						  const char *name, const char *basis,
						  long long created_ms)
{
	struct fakecmis_object *o = fakecmis_object_new(kind);

	fakecmis_object_set(o, FT_NAME, name);
	fakecmis_repo_next_id(g->r, basis, o->id);
	o->created_ms = o->modified_ms = created_ms;
	return o;
}

/* Inserts o with its created event. Returns 0 or -1 with err. */
static int fakecmis_gen_keep(struct fakecmis_gen *g, struct fakecmis_object *o, char *err,
			     size_t errlen)
{
	fakecmis_repo_history(g->r, o->id, o->kind, FAKECMIS_CREATED, o->created_ms);
	if (o->modified_ms > o->created_ms)
		fakecmis_repo_history(g->r, o->id, o->kind, FAKECMIS_UPDATED, o->modified_ms);
	if (fakecmis_repo_insert(g->r, o) < 0) {
		set_error(err, errlen, "demasiados objetos (máximo %d)", FAKECMIS_REPO_MAX_OBJECTS);
		return -1;
	}
	return 0;
}

/* Records o as created, then deleted at deleted_ms, and frees it. */
static void fakecmis_gen_drop(struct fakecmis_gen *g, struct fakecmis_object *o,
			      long long deleted_ms)
{
	fakecmis_repo_history(g->r, o->id, o->kind, FAKECMIS_CREATED, o->created_ms);
	fakecmis_repo_history(g->r, o->id, o->kind, FAKECMIS_DELETED, deleted_ms);
	fakecmis_object_free(o);
}

/* The annex of a filing, a minute to an hour after it; now and then deleted later. */
static int fakecmis_gen_annex(struct fakecmis_gen *g, const struct fakecmis_object *f, char *err,
			      size_t errlen)
{
	char *name = xasprintf("Anexo %s.pdf", f->s[FT_NUMERO]);
	struct fakecmis_object *a =
	    fakecmis_gen_other(g, FAKECMIS_ANEXO, name, f->s[FT_NUMERO],
			       f->created_ms + fakecmis_gen_between(g, 60, 3600) * 1000LL);

	free(name);
	fakecmis_object_set(a, FT_NUMERO, f->s[FT_NUMERO]);
	fakecmis_object_set(a, FT_MIME, "application/pdf");
	a->length = fakecmis_gen_between(g, 20000, 900000);
	if (fakecmis_gen_pick(g, 10) == 0) {
		fakecmis_gen_drop(g, a,
				  fakecmis_gen_later(g, a->created_ms, 3600000, 5 * 86400000));
		return 0;
	}
	return fakecmis_gen_keep(g, a, err, errlen);
}

/* One filing of the day being generated, with its draw order to break ties. */
struct fakecmis_gen_slot {
	struct fakecmis_object *f;
	long order;
};

/* Sorts one day's filings by time so that numbers grow with time. */
static int fakecmis_gen_cmp_fecha(const void *pa, const void *pb)
{
	const struct fakecmis_gen_slot *a = pa;
	const struct fakecmis_gen_slot *b = pb;

	if (a->f->fecha != b->f->fecha)
		return a->f->fecha < b->f->fecha ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Numbers one filing and gives it its history. Takes f. Returns 0 or -1 with err. */
static int fakecmis_gen_commit(struct fakecmis_gen *g, struct fakecmis_object *f, int year,
			       char *err, size_t errlen)
{
	char num[FAKECMIS_NUMERO_MAX + 1];
	char *name;
	int moved;

	if (fakecmis_gen_number(g, year, f->s[FT_DEP_RADICADORA], f->tipo, num, sizeof(num)) < 0) {
		set_error(err, errlen, "la secuencia de %d/%s se agotó", year,
			  f->s[FT_DEP_RADICADORA]);
		fakecmis_object_free(f);
		return -1;
	}
	fakecmis_object_set(f, FT_NUMERO, num);
	name = xasprintf("%s.pdf", num);
	fakecmis_object_set(f, FT_NAME, name);
	free(name);
	fakecmis_object_set(f, FT_MIME, "application/pdf");
	f->length = 20480 + (long long)f->folios * 51200;
	fakecmis_repo_next_id(g->r, num, f->id);
	f->created_ms = f->modified_ms = f->fecha * 1000LL;

	/* Filed by mistake and deleted within two hours: only the change log remembers it. */
	if (fakecmis_gen_pick(g, 1000) < FAKECMIS_GEN_PERMIL_DELETED) {
		fakecmis_gen_drop(g, f, fakecmis_gen_later(g, f->created_ms, 600000, 7200000));
		return 0;
	}
	/* Moved out of the office, annulled, or corrected: one update some time later. */
	moved = strcmp(f->s[FT_DEP_ACTUAL], g->r->office) != 0;
	if (moved || f->estado != FAKECMIS_VIGENTE ||
	    fakecmis_gen_pick(g, 100) < FAKECMIS_GEN_PCT_UPDATED)
		f->modified_ms = fakecmis_gen_later(g, f->created_ms, 3600000, 15 * 86400000);
	if (fakecmis_gen_pick(g, 1000) < FAKECMIS_GEN_PERMIL_SECURITY)
		fakecmis_repo_history(g->r, f->id, f->kind, FAKECMIS_SECURITY,
				      fakecmis_gen_later(g, f->created_ms, 60000, 86400000));
	if (fakecmis_gen_pick(g, 100) < FAKECMIS_GEN_PCT_ANEXO &&
	    fakecmis_gen_annex(g, f, err, errlen) < 0) {
		fakecmis_object_free(f);
		return -1;
	}
	return fakecmis_gen_keep(g, f, err, errlen);
}

/* The folder of a month ("/Radicados/2024-05"), made the first time a day of it is seen, with
 * a permission change in the middle of the month. */
static int fakecmis_gen_month(struct fakecmis_gen *g, long long day, int y, int m, int *last_month,
			      char *err, size_t errlen)
{
	char name[16];
	char *path;
	struct fakecmis_object *o;
	long long at = ((day * 86400) - SIM_TIME_UTC_OFFSET) * 1000LL + 1000;

	if (y * 12 + m == *last_month)
		return 0;
	*last_month = y * 12 + m;
	snprintf(name, sizeof(name), "%04d-%02d", y, m);
	o = fakecmis_gen_other(g, FAKECMIS_FOLDER, name, "", at);
	path = xasprintf("/Radicados/%s", name);
	fakecmis_object_set(o, FT_PATH, path);
	free(path);
	fakecmis_object_set(o, FT_PARENT, g->radicados_id);
	fakecmis_repo_history(g->r, o->id, o->kind, FAKECMIS_SECURITY,
			      fakecmis_gen_later(g, at, 14 * 86400000, 15 * 86400000));
	return fakecmis_gen_keep(g, o, err, errlen);
}

/* Every eighth weekday, a document of the office that is not a filing; some are updated, a
 * few deleted. */
static int fakecmis_gen_document(struct fakecmis_gen *g, long long day, int y, long n, char *err,
				 size_t errlen)
{
	unsigned long which = fakecmis_gen_pick(g, FAKECMIS_GEN_COUNT(fakecmis_gen_documents));
	long long at = ((day * 86400) - SIM_TIME_UTC_OFFSET) * 1000LL +
		       fakecmis_gen_between(g, 15 * 3600, 17 * 3600) * 1000LL;
	char name[160];
	struct fakecmis_object *o;
	unsigned long fate = fakecmis_gen_pick(g, 10);

	if (which == 0)
		snprintf(name, sizeof(name), fakecmis_gen_documents[0][0], n + 1);
	else
		snprintf(name, sizeof(name), fakecmis_gen_documents[which][0], y, n + 1);
	o = fakecmis_gen_other(g, FAKECMIS_DOCUMENT, name, "", at);
	fakecmis_object_set(o, FT_MIME, fakecmis_gen_documents[which][1]);
	o->length = fakecmis_gen_between(g, 30000, 4000000);
	if (fate == 0) {
		fakecmis_gen_drop(g, o, fakecmis_gen_later(g, at, 86400000, 3 * 86400000));
		return 0;
	}
	if (fate < 5)
		o->modified_ms = fakecmis_gen_later(g, at, 3600000, 3 * 86400000);
	return fakecmis_gen_keep(g, o, err, errlen);
}

/* The root folder and "/Radicados", a month before the first day. */
static int fakecmis_gen_folders(struct fakecmis_gen *g, long long from_day, char *err,
				size_t errlen)
{
	long long at = (((from_day - 30) * 86400) - SIM_TIME_UTC_OFFSET) * 1000LL;
	struct fakecmis_object *root = fakecmis_gen_other(g, FAKECMIS_FOLDER, "Raíz", "", at);
	struct fakecmis_object *rad;

	fakecmis_object_set(root, FT_PATH, "/");
	rad = fakecmis_gen_other(g, FAKECMIS_FOLDER, "Radicados", "", at + 3600000);
	fakecmis_object_set(rad, FT_PATH, "/Radicados");
	fakecmis_object_set(rad, FT_PARENT, root->id);
	strlcpy_s(g->radicados_id, rad->id, sizeof(g->radicados_id));
	if (fakecmis_gen_keep(g, root, err, errlen) < 0) {
		fakecmis_object_free(rad);
		return -1;
	}
	return fakecmis_gen_keep(g, rad, err, errlen);
}

int fakecmis_gen_run(struct fakecmis_repo *r, const struct fakecmis_gen_options *o, char *err,
		     size_t errlen)
{
	struct fakecmis_gen g;
	struct fakecmis_gen_slot *day = NULL;
	struct buf subject;
	int last_month = -1;
	long weekdays = 0;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	g.r = r;
	g.prng = r->seed * 0x2545F4914F6CDD1DULL + 1;
	g.end_ms = ((o->to_day + 1) * 86400 - SIM_TIME_UTC_OFFSET) * 1000LL - 1;
	buf_init(&subject);
	if (o->per_day > 0)
		day = xcalloc((size_t)o->per_day, sizeof(*day));
	if (fakecmis_gen_folders(&g, o->from_day, err, errlen) < 0)
		goto fail;
	for (long long dd = o->from_day; dd <= o->to_day; dd++) {
		int wd = sim_time_weekday(dd);
		int y, m, md;
		long i = 0;

		if (wd == 0 || wd == 6)
			continue;
		sim_time_civil_from_days(dd, &y, &m, &md);
		if (fakecmis_gen_month(&g, dd, y, m, &last_month, err, errlen) < 0)
			goto fail;
		if (weekdays++ % 8 == 7 &&
		    fakecmis_gen_document(&g, dd, y, weekdays / 8, err, errlen) < 0)
			goto fail;
		for (i = 0; i < o->per_day; i++) {
			struct fakecmis_object *f = fakecmis_object_new(FAKECMIS_RADICADO);

			f->fecha =
			    dd * 86400 + fakecmis_gen_time_of_day(&g) - SIM_TIME_UTC_OFFSET;
			fakecmis_gen_fill(&g, f, y, &subject);
			day[i].f = f;
			day[i].order = i;
		}
		if (o->per_day > 0)
			qsort(day, (size_t)o->per_day, sizeof(*day), fakecmis_gen_cmp_fecha);
		for (i = 0; i < o->per_day; i++) {
			struct fakecmis_object *f = day[i].f;

			day[i].f = NULL;
			if (fakecmis_gen_commit(&g, f, y, err, errlen) < 0)
				goto fail;
		}
	}
	rc = 0;
fail:
	if (day != NULL) {
		for (long i = 0; i < o->per_day; i++)
			fakecmis_object_free(day[i].f);
	}
	free(day);
	buf_free(&subject);
	return rc;
}
