/* fakecmis_gen.c -- generates the default repository from a seed: every weekday a fixed number
 * of memos from the entity's areas and letters from outside (the vocabulary of fakeds), plus
 * the folders, minutes, annexes and the history (updates, deletions, permission changes) that
 * a real repository's change log holds. */
#include "fakecmis_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakecmis_time.h"
#include "sim_gen.h"
#include "util.h"

#define FAKECMIS_GEN_PCT_OTHER_DEP 25	/* % of filings now held by another dependency */
#define FAKECMIS_GEN_PCT_ENTRADA 15	/* % of filings that come from outside (type 2) */
#define FAKECMIS_GEN_PCT_UPDATED 10	/* % of the others updated once after filing */
#define FAKECMIS_GEN_PCT_ANEXO 5	/* % of filings with an annex */
#define FAKECMIS_GEN_PERMIL_DELETED 10	/* per mille of filings deleted soon after filing */
#define FAKECMIS_GEN_PERMIL_SECURITY 10 /* per mille of filings whose permissions change */
#define FAKECMIS_GEN_SEQ_SLOTS 256	/* number sequences tracked at once */
#define FAKECMIS_GEN_DAY_MS 86400000LL
#define FAKECMIS_GEN_VENTANILLA SIM_GEN_VENTANILLA

/* Other documents of the repository (type cmis:document), one every few weekdays. */
static const char *const fakecmis_gen_documents[][2] = {
    {"Acta de comité de contratación N° %ld.pdf", "application/pdf"},
    {"Plan anual de adquisiciones %d - versión %ld.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"Informe de gestión contractual %d-%ld.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
};

struct fakecmis_gen {
	struct fakecmis_repo *r;
	struct sim_gen g;
	long long end_ms; /* the last millisecond of --to, Bogotá time */
	char radicados_id[FAKECMIS_ID_MAX + 1];
};

#define FAKECMIS_GEN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The next number of the shape the repository uses for (year, dependency, type): sequences
 * start somewhere in the year's past and advance with gaps. Returns 0 or -1 on overflow. */
static int fakecmis_gen_number(struct fakecmis_gen *g, int year, const char *dep, char tipo,
			       char *out, size_t outlen)
{
	char prefix[24];
	char key[32];
	struct sim_gen_seq *s;
	int orfeo = g->r->numeros == FAKECMIS_NUM_ORFEO;

	fakecmis_numero_prefix(g->r->numeros, year, dep, tipo, prefix, sizeof(prefix));
	snprintf(key, sizeof(key), "%s%c", prefix, tipo);
	s = sim_gen_seq(&g->g, key, orfeo ? 1 : 1000, orfeo ? 400 : 20000);
	if (fakecmis_numero_make(g->r->numeros, prefix, tipo, s->next, out, outlen) < 0)
		return -1;
	sim_gen_seq_advance(&g->g, s);
	return 0;
}

/* The senders: an area or organisation name mostly, sometimes several names (a multi-valued
 * sgd:remitente), now and then a list of one. */
static void fakecmis_gen_senders(struct fakecmis_gen *g, struct fakecmis_object *o, const char *who,
				 int entrada)
{
	const char *v[2];
	unsigned long r = sim_gen_pick(&g->g, 100);

	if (!entrada) {
		v[0] = who;
		if (r < 80) {
			fakecmis_object_set_remitentes(o, v, 1, 0);
		} else if (r < 97) {
			v[1] = sim_gen_person(&g->g);
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
		v[0] = sim_gen_person(&g->g);
		v[1] = who;
		fakecmis_object_set_remitentes(o, v, 2, 1);
	} else if (r < 95) {
		v[0] = sim_gen_person(&g->g);
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
	int entrada = sim_gen_pick(&g->g, 100) < FAKECMIS_GEN_PCT_ENTRADA;
	const struct sim_gen_template *t;
	const char *who;

	f->folios = sim_gen_folios(&g->g);
	if (entrada) {
		who = sim_gen_org(&g->g)->name;
		f->tipo = '2';
		fakecmis_object_set(f, FT_DEP_RADICADORA, FAKECMIS_GEN_VENTANILLA);
		t = sim_gen_template(&g->g, 1);
	} else {
		const struct sim_gen_area *a = sim_gen_area(&g->g);

		who = a->name;
		f->tipo = '3';
		fakecmis_object_set(f, FT_DEP_RADICADORA, a->code);
		t = sim_gen_template(&g->g, 0);
	}
	fakecmis_gen_senders(g, f, who, entrada);
	sim_gen_subject(&g->g, t->text, who, year, subject);
	fakecmis_object_set(f, FT_ASUNTO, subject->data);
	fakecmis_object_set(f, FT_TIPO_DOCUMENTAL, sim_gen_tdoc(&g->g, t));

	/* Where it is now: mostly the office, else an area (moved out: an update event). */
	fakecmis_object_set(f, FT_DEP_ACTUAL, g->r->office);
	if (sim_gen_pick(&g->g, 100) < FAKECMIS_GEN_PCT_OTHER_DEP)
		fakecmis_object_set(f, FT_DEP_ACTUAL, sim_gen_other_dep(&g->g, g->r->office));

	/* Annulment: a few requested, fewer annulled. */
	switch (sim_gen_pick(&g->g, 100)) {
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
	long long t = from_ms + sim_gen_between(&g->g, lo, hi);

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
			       f->created_ms + sim_gen_between(&g->g, 60, 3600) * 1000LL);

	free(name);
	fakecmis_object_set(a, FT_NUMERO, f->s[FT_NUMERO]);
	fakecmis_object_set(a, FT_MIME, "application/pdf");
	a->length = sim_gen_between(&g->g, 20000, 900000);
	if (sim_gen_pick(&g->g, 10) == 0) {
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
	if (sim_gen_pick(&g->g, 1000) < FAKECMIS_GEN_PERMIL_DELETED) {
		fakecmis_gen_drop(g, f, fakecmis_gen_later(g, f->created_ms, 600000, 7200000));
		return 0;
	}
	/* Moved out of the office, annulled, or corrected: one update some time later. */
	moved = strcmp(f->s[FT_DEP_ACTUAL], g->r->office) != 0;
	if (moved || f->estado != FAKECMIS_VIGENTE ||
	    sim_gen_pick(&g->g, 100) < FAKECMIS_GEN_PCT_UPDATED)
		f->modified_ms = fakecmis_gen_later(g, f->created_ms, 3600000, 15 * 86400000);
	if (sim_gen_pick(&g->g, 1000) < FAKECMIS_GEN_PERMIL_SECURITY)
		fakecmis_repo_history(g->r, f->id, f->kind, FAKECMIS_SECURITY,
				      fakecmis_gen_later(g, f->created_ms, 60000, 86400000));
	if (sim_gen_pick(&g->g, 100) < FAKECMIS_GEN_PCT_ANEXO &&
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
	unsigned long which = sim_gen_pick(&g->g, FAKECMIS_GEN_COUNT(fakecmis_gen_documents));
	long long at = ((day * 86400) - SIM_TIME_UTC_OFFSET) * 1000LL +
		       sim_gen_between(&g->g, 15 * 3600, 17 * 3600) * 1000LL;
	char name[160];
	struct fakecmis_object *o;
	unsigned long fate = sim_gen_pick(&g->g, 10);

	if (which == 0)
		snprintf(name, sizeof(name), fakecmis_gen_documents[0][0], n + 1);
	else
		snprintf(name, sizeof(name), fakecmis_gen_documents[which][0], y, n + 1);
	o = fakecmis_gen_other(g, FAKECMIS_DOCUMENT, name, "", at);
	fakecmis_object_set(o, FT_MIME, fakecmis_gen_documents[which][1]);
	o->length = sim_gen_between(&g->g, 30000, 4000000);
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
	sim_gen_init(&g.g, r->seed, FAKECMIS_GEN_SEQ_SLOTS);
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

			f->fecha = dd * 86400 + sim_gen_time_of_day(&g.g) - SIM_TIME_UTC_OFFSET;
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
