/* fakeds_gen.c -- generates the default dataset from a seed: every weekday a fixed number of
 * memos from the entity's areas and letters from outside, numbered as Orfeo numbers them. */
#include "fakeds_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeds_time.h"
#include "sim_gen.h"
#include "util.h"

#define FAKEDS_GEN_PCT_OTHER_DEP 25 /* % of filings now held by another dependency */
#define FAKEDS_GEN_PCT_ENTRADA 15   /* % of filings that come from outside (type 2) */
#define FAKEDS_GEN_SEQ_SLOTS 64	    /* (year, dependency, type) sequences tracked at once */

struct fakeds_gen {
	struct fakeds_data *d;
	struct sim_gen g;
};

/* The next number for (year, dependency, type): sequences start somewhere in the year's
 * past and advance with gaps. Returns 0 or -1 when the sequence would pass six digits. */
static int fakeds_gen_number(struct fakeds_gen *g, int year, const char *dep, char type, char *out,
			     size_t outlen)
{
	char key[16];
	char num[48];
	struct sim_gen_seq *s;

	snprintf(key, sizeof(key), "%04d%s%c", year, dep, type);
	s = sim_gen_seq(&g->g, key, 1, 400);
	if (s->next < 0 || s->next > FAKEDS_DATA_SEQ_MAX)
		return -1;
	snprintf(num, sizeof(num), "%04d%s%06ld%c", year, dep, s->next, type);
	if (strlcpy_s(out, num, outlen) >= outlen)
		return -1;
	sim_gen_seq_advance(&g->g, s);
	return 0;
}

/* Fills the fields of one filing that do not depend on its number. */
static void fakeds_gen_fill(struct fakeds_gen *g, struct fakeds_filing *f, int year,
			    struct buf *subject)
{
	int entrada = sim_gen_pick(&g->g, 100) < FAKEDS_GEN_PCT_ENTRADA;
	const struct sim_gen_template *t;
	const char *who;
	char num[24];

	f->folios = sim_gen_folios(&g->g);
	fakeds_data_filing_set(f, FS_REMITENTE, sim_gen_person(&g->g));
	if (entrada) {
		const struct sim_gen_org *o = sim_gen_org(&g->g);

		who = o->name;
		fakeds_data_filing_set(f, FS_DEP_ORIGEN, FAKEDS_GEN_VENTANILLA);
		fakeds_data_filing_set(f, FS_DEP_ORIGEN_NOMBRE, o->name);
		fakeds_data_filing_set(f, FS_EMAIL, o->email);
		fakeds_data_filing_set(f, FS_DIRECCION, o->address);
		fakeds_data_filing_set(f, FS_TELEFONO, o->phone);
		fakeds_data_filing_set(f, FS_DOCUMENTO, o->nit);
		snprintf(num, sizeof(num), "%ld", sim_gen_between(&g->g, 1000, 9999));
		fakeds_data_filing_set(f, FS_OEM_CODIGO, num);
		fakeds_data_filing_set(f, FS_DIR_TIPO, "1");
		t = sim_gen_template(&g->g, 1);
	} else {
		const struct sim_gen_area *a = sim_gen_area(&g->g);

		who = a->name;
		fakeds_data_filing_set(f, FS_DEP_ORIGEN, a->code);
		fakeds_data_filing_set(f, FS_DEP_ORIGEN_NOMBRE, a->name);
		fakeds_data_filing_set(f, FS_EMAIL, a->email);
		fakeds_data_filing_set(f, FS_DIRECCION, "Carrera 8 No. 10 - 65");
		fakeds_data_filing_set(f, FS_TELEFONO, "3813000");
		t = sim_gen_template(&g->g, 0);
	}
	fakeds_data_filing_set(f, FS_DEPE_CODI, f->s[FS_DEP_ORIGEN]);
	sim_gen_subject(&g->g, t->text, who, year, subject);
	fakeds_data_filing_set(f, FS_ASUNTO, subject->data);
	fakeds_data_filing_set(f, FS_TIPO_DOCUMENTAL, sim_gen_tdoc(&g->g, t));

	/* Where it is now: mostly the office, else the area itself or another one. */
	if (sim_gen_pick(&g->g, 100) < FAKEDS_GEN_PCT_OTHER_DEP)
		fakeds_data_filing_set(f, FS_DEP_ACTUAL, sim_gen_other_dep(&g->g, g->d->office));

	snprintf(num, sizeof(num), "%ld", sim_gen_between(&g->g, 1, 20));
	fakeds_data_filing_set(f, FS_USUARIO_ACTUAL, num);
	snprintf(num, sizeof(num), "%ld", sim_gen_between(&g->g, 1, 20));
	fakeds_data_filing_set(f, FS_USUARIO_ANTERIOR, num);
	snprintf(num, sizeof(num), "%ld", sim_gen_between(&g->g, 1, 30));
	fakeds_data_filing_set(f, FS_USUARIO_RADICADOR, num);
	fakeds_data_filing_set(f, FS_CODI_NIVEL, sim_gen_pick(&g->g, 10) < 9 ? "5" : "3");
	snprintf(num, sizeof(num), "%ld", sim_gen_between(&g->g, 100000, 999999));
	fakeds_data_filing_set(f, FS_DIR_CODIGO, num);

	/* Annulment: a few requested (1), fewer annulled (2). */
	switch (sim_gen_pick(&g->g, 100)) {
	case 0:
	case 1:
		fakeds_data_filing_set(f, FS_EANU, "1");
		break;
	case 2:
		fakeds_data_filing_set(f, FS_EANU, "2");
		break;
	default:
		break;
	}
}

/* One filing of the day being generated, with its draw order to break ties. */
struct fakeds_gen_slot {
	struct fakeds_filing *f;
	long order;
};

/* Sorts one day's filings by time so that numbers grow with time. */
static int fakeds_gen_cmp_epoch(const void *pa, const void *pb)
{
	const struct fakeds_gen_slot *a = pa;
	const struct fakeds_gen_slot *b = pb;

	if (a->f->epoch != b->f->epoch)
		return a->f->epoch < b->f->epoch ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Numbers and inserts one day's filings. Returns 0 or -1 with err. */
static int fakeds_gen_commit_day(struct fakeds_gen *g, struct fakeds_gen_slot *day, long n,
				 int year, char *err, size_t errlen)
{
	qsort(day, (size_t)n, sizeof(*day), fakeds_gen_cmp_epoch);
	for (long i = 0; i < n; i++) {
		struct fakeds_filing *f = day[i].f;
		char type = strcmp(f->s[FS_DEP_ORIGEN], FAKEDS_GEN_VENTANILLA) == 0 ? '2' : '3';
		unsigned long r;

		day[i].f = NULL;
		if (fakeds_gen_number(g, year, f->s[FS_DEP_ORIGEN], type, f->numero,
				      sizeof(f->numero)) < 0) {
			set_error(err, errlen, "la secuencia de %d/%s superó %d", year,
				  f->s[FS_DEP_ORIGEN], FAKEDS_DATA_SEQ_MAX);
			fakeds_data_filing_free(f);
			return -1;
		}
		/* RUTA: NULL (written <RUTA/>) mostly, sometimes '' or a path. */
		r = sim_gen_pick(&g->g, 100);
		if (r < 20) {
			char path[64];

			snprintf(path, sizeof(path), "/%d/%s/%s.pdf", year, f->s[FS_DEP_ORIGEN],
				 f->numero);
			fakeds_data_filing_set(f, FS_RUTA, path);
			f->ruta_nula = 0;
		} else {
			f->ruta_nula = r >= 45;
		}
		if (fakeds_data_insert(g->d, f) < 0) {
			set_error(err, errlen, "demasiados radicados (máximo %d)",
				  FAKEDS_DATA_MAX_FILINGS);
			return -1;
		}
	}
	return 0;
}

int fakeds_gen_run(struct fakeds_data *d, const struct fakeds_gen_options *o, char *err,
		   size_t errlen)
{
	struct fakeds_gen g;
	struct fakeds_gen_slot *day = NULL;
	struct buf subject;
	int rc = -1;

	g.d = d;
	sim_gen_init(&g.g, d->seed, FAKEDS_GEN_SEQ_SLOTS);
	buf_init(&subject);
	if (o->per_day > 0)
		day = xcalloc((size_t)o->per_day, sizeof(*day));
	for (long long dd = o->from_day; dd <= o->to_day; dd++) {
		int wd = sim_time_weekday(dd);
		int y, m, md;

		if (wd == 0 || wd == 6)
			continue;
		sim_time_civil_from_days(dd, &y, &m, &md);
		for (long i = 0; i < o->per_day; i++) {
			struct fakeds_filing *f = fakeds_data_filing_new(d);

			f->epoch = dd * 86400 + sim_gen_time_of_day(&g.g) - SIM_TIME_UTC_OFFSET;
			f->usec = (long)sim_gen_pick(&g.g, 1000000);
			fakeds_gen_fill(&g, f, y, &subject);
			day[i].f = f;
			day[i].order = i;
		}
		if (o->per_day > 0 &&
		    fakeds_gen_commit_day(&g, day, o->per_day, y, err, errlen) < 0)
			goto fail;
	}
	if (fakeds_data_reindex(d, err, errlen) < 0)
		goto fail;
	rc = 0;
fail:
	if (day != NULL) {
		for (long i = 0; i < o->per_day; i++)
			fakeds_data_filing_free(day[i].f);
	}
	free(day);
	buf_free(&subject);
	return rc;
}
