/* sim_gen.h -- the vocabulary and seeded draws both simulators generate their default data from:
 * the entity's areas, outside organisations, people, contract objects and subject templates,
 * the time of day and folios of a filing, and the (prefix, type) number sequences. */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stddef.h>

#include "util.h"

#define SIM_GEN_VENTANILLA "510" /* the mail room that files what comes from outside */
#define SIM_GEN_N_AREAS 8	 /* the requesting areas: all entries but the mail room */
#define SIM_GEN_MAX_SLOTS 256	 /* number sequences one generator may track at once */

struct sim_gen_area {
	const char *code;
	const char *name;
	const char *email;
};

struct sim_gen_org {
	const char *name;
	const char *nit;
	const char *email;
	const char *address;
	const char *phone;
};

/* A subject: {A} the requesting area or organisation, {C} a contract number, {O} an object,
 * {N} a small number, {P} a person. tdoc is TDOC_CODI; externo: also fits a letter from
 * outside. */
struct sim_gen_template {
	const char *text;
	const char *tdoc;
	int externo;
};

struct sim_gen_seq {
	char key[32];
	long next;
};

struct sim_gen {
	unsigned long long prng;
	struct sim_gen_seq seqs[SIM_GEN_MAX_SLOTS];
	size_t nseqs;
	size_t nslots; /* sequences tracked before the oldest is dropped */
};

/* Starts g from seed, tracking up to slots (1 ... SIM_GEN_MAX_SLOTS) sequences: the slot count
 * decides when a sequence is forgotten, so it is part of what a seed generates. */
void sim_gen_init(struct sim_gen *g, unsigned long long seed, size_t slots);

/* A draw in [0, n); n > 0. */
unsigned long sim_gen_pick(struct sim_gen *g, unsigned long n);

/* A draw in [lo, hi]. */
long sim_gen_between(struct sim_gen *g, long lo, long hi);

/* Seconds after midnight of one filing: office hours mostly, with some just after midnight
 * (12:xx AM), at noon (12:xx PM), after the 16:30 closing and in the evening. */
long sim_gen_time_of_day(struct sim_gen *g);

/* The folios of one filing: few mostly, now and then many. */
int sim_gen_folios(struct sim_gen *g);

/* A person's name. Borrowed. */
const char *sim_gen_person(struct sim_gen *g);

/* A requesting area (never the mail room). Borrowed. */
const struct sim_gen_area *sim_gen_area(struct sim_gen *g);

/* An outside organisation. Borrowed. */
const struct sim_gen_org *sim_gen_org(struct sim_gen *g);

/* The code of any area, the mail room included, other than office. Borrowed. */
const char *sim_gen_other_dep(struct sim_gen *g, const char *office);

/* A subject template; externo: one that fits a letter from outside. Borrowed. */
const struct sim_gen_template *sim_gen_template(struct sim_gen *g, int externo);

/* The document type of a filing of template t: t's mostly, else another one. Borrowed. */
const char *sim_gen_tdoc(struct sim_gen *g, const struct sim_gen_template *t);

/* Expands template text tpl into out, who standing for {A}; year dates {C}. */
void sim_gen_subject(struct sim_gen *g, const char *tpl, const char *who, int year,
		     struct buf *out);

/* The sequence of key, made the first time starting at a draw in [lo, hi]; a full table first
 * forgets its oldest sequence. Borrowed until the next call. */
struct sim_gen_seq *sim_gen_seq(struct sim_gen *g, const char *key, long lo, long hi);

/* Moves s past a number just given: a gap of 1 ... 4, as the area also files what never
 * reaches the office. */
void sim_gen_seq_advance(struct sim_gen *g, struct sim_gen_seq *s);

/* The name of a known dependency code (an area, the mail room), or NULL. Borrowed. */
const char *sim_gen_area_name(const char *code);

#endif
