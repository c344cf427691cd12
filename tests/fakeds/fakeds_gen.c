/* fakeds_gen.c -- generates the default dataset from a seed: every weekday a fixed number of
 * memos from the entity's areas and letters from outside, numbered as Orfeo numbers them. */
#include "fakeds_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeds_time.h"
#include "sim_rand.h"
#include "util.h"

#define FAKEDS_GEN_PCT_OTHER_DEP 25 /* % of filings now held by another dependency */
#define FAKEDS_GEN_PCT_ENTRADA 15   /* % of filings that come from outside (type 2) */
#define FAKEDS_GEN_MAX_SUBJECT 600  /* bytes of one expanded subject */
#define FAKEDS_GEN_SEQ_SLOTS 64	    /* (year, dependency, type) sequences tracked at once */

struct fakeds_gen_area {
	const char *code;
	const char *name;
	const char *email;
};

/* The entity's requesting areas; the last entry is the mail room. */
static const struct fakeds_gen_area fakeds_gen_areas[] = {
    {"110", "Oficina Asesora Jurídica", "juridica@example.gov.co"},
    {"120", "Oficina Asesora de Planeación", "planeacion@example.gov.co"},
    {"130", "Oficina de Tecnologías de la Información", "tecnologias.informacion@example.gov.co"},
    {"140", "Oficina de Control Interno", "control.interno@example.gov.co"},
    {"211", "Subdirección Financiera", "subdireccion.financiera@example.gov.co"},
    {"212", "Subdirección de Talento Humano", "talento.humano@example.gov.co"},
    {"213", "Subdirección Administrativa y Logística", "administrativa@example.gov.co"},
    {"310", "Dirección de Gestión Territorial", "gestion.territorial@example.gov.co"},
    {FAKEDS_GEN_VENTANILLA, "Ventanilla Única de Correspondencia",
     "correspondencia@example.gov.co"},
};
#define FAKEDS_GEN_N_AREAS 8 /* the requesting areas: all entries but the mail room */

struct fakeds_gen_org {
	const char *name;
	const char *nit;
	const char *email;
	const char *address;
	const char *phone;
};

static const struct fakeds_gen_org fakeds_gen_orgs[] = {
    {"Consorcio Vías & Andenes 2023", "901234567-1", "gerencia@consorciovias.example.com",
     "Calle 26 No. 69 - 76 Of. 502", "6017425566"},
    {"Unión Temporal Soluciones TIC Colombia", "901345678-2", "contacto@utsoluciones.example.com",
     "Avenida Carrera 45 No. 108 - 27 Torre 2", "6016584400"},
    {"Fondo de Desarrollo Local de Suba", "899999061-9", "contratacion.suba@example.gov.co",
     "Calle 146C Bis No. 90 - 57", "6016625421"},
    {"Empresa de Acueducto y Alcantarillado de Bogotá E.S.P.", "899999094-1",
     "radicacion@acueducto.example.com.co", "Avenida Calle 24 No. 37 - 15", "6013447000"},
    {"Compañía Aseguradora de Fianzas S.A. – Confianza", "860070374-9",
     "notificaciones@confianza.example.com.co", "Calle 82 No. 11 - 37 Piso 7", "6016444690"},
    {"Universidad Nacional de Colombia – Sede Bogotá", "899999063-3",
     "convenios@unal.example.edu.co", "Carrera 45 No. 26 - 85", "6013165000"},
    {"Señales & Comunicaciones Núñez S.A.S.", "900765432-5", "ventas@senalesnunez.example.com",
     "Carrera 15 No. 93A - 84", "3104567890"},
};

static const char *const fakeds_gen_people[] = {
    "María Fernanda Peña Muñoz",	 "José Luis Gómez Ávila",
    "Ana Lucía Rodríguez Cárdenas",	 "Andrés Felipe Martínez Ortiz",
    "Luz Ángela Díaz Beltrán",		 "Carlos Julián Pérez Núñez",
    "Sofía Catalina Hernández Quiñones", "Jorge Iván Ramírez Londoño",
    "Paola Andrea Suárez Güiza",	 "Héctor Fabio Castaño Ospina",
    "Mónica Patricia Zúñiga León",	 "Óscar Eduardo Ibáñez Rincón",
};

static const char *const fakeds_gen_objects[] = {
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
struct fakeds_gen_template {
	const char *text;
	const char *tdoc;
	int externo;
};

static const struct fakeds_gen_template fakeds_gen_templates[] = {
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

static const char *const fakeds_gen_other_tdoc[] = {"0", "0", "1001", "1075", "1100"};

struct fakeds_gen_seq {
	char key[16]; /* year + dependency + type digit */
	long next;
};

struct fakeds_gen {
	struct fakeds_data *d;
	unsigned long long prng;
	struct fakeds_gen_seq seqs[FAKEDS_GEN_SEQ_SLOTS];
	size_t nseqs;
};

#define FAKEDS_GEN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *fakeds_gen_area_name(const char *code)
{
	for (size_t i = 0; i < FAKEDS_GEN_COUNT(fakeds_gen_areas); i++) {
		if (strcmp(fakeds_gen_areas[i].code, code) == 0)
			return fakeds_gen_areas[i].name;
	}
	return NULL;
}

/* A draw in [0, n). */
static unsigned long fakeds_gen_pick(struct fakeds_gen *g, unsigned long n)
{
	return (unsigned long)(sim_rand_mix(&g->prng) % n);
}

static long fakeds_gen_between(struct fakeds_gen *g, long lo, long hi)
{
	return lo + (long)fakeds_gen_pick(g, (unsigned long)(hi - lo + 1));
}

/* Seconds after midnight of one filing: office hours mostly, with some just after midnight
 * (12:xx AM), at noon (12:xx PM), after the 16:30 closing and in the evening. */
static long fakeds_gen_time_of_day(struct fakeds_gen *g)
{
	unsigned long r = fakeds_gen_pick(g, 100);

	if (r < 4)
		return fakeds_gen_between(g, 0, 3599);
	if (r < 8)
		return fakeds_gen_between(g, 18 * 3600, 24 * 3600 - 1);
	if (r < 18)
		return fakeds_gen_between(g, 16 * 3600 + 1800, 18 * 3600 - 1);
	if (r < 28)
		return fakeds_gen_between(g, 12 * 3600, 13 * 3600 - 1);
	return fakeds_gen_between(g, 7 * 3600, 16 * 3600 + 1799);
}

static int fakeds_gen_folios(struct fakeds_gen *g)
{
	unsigned long r = fakeds_gen_pick(g, 100);

	if (r < 60)
		return (int)fakeds_gen_between(g, 1, 5);
	if (r < 90)
		return (int)fakeds_gen_between(g, 6, 30);
	return (int)fakeds_gen_between(g, 31, 180);
}

/* Expands a template into out. */
static void fakeds_gen_subject(struct fakeds_gen *g, const char *tpl, const char *who, int year,
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
			buf_printf(out, "%s-%ld-%ld", series[fakeds_gen_pick(g, 3)],
				   fakeds_gen_between(g, 1, 1500),
				   (long)year - (long)fakeds_gen_pick(g, 3));
			break;
		case 'O':
			buf_puts(out, fakeds_gen_objects[fakeds_gen_pick(
					  g, FAKEDS_GEN_COUNT(fakeds_gen_objects))]);
			break;
		case 'N':
			buf_printf(out, "%ld", fakeds_gen_between(g, 1, 4));
			break;
		case 'P':
			buf_puts(out, fakeds_gen_people[fakeds_gen_pick(
					  g, FAKEDS_GEN_COUNT(fakeds_gen_people))]);
			break;
		default:
			buf_append(out, p, 3);
			break;
		}
		p += 2;
	}
}

/* The next number for (year, dependency, type): sequences start somewhere in the year's
 * past and advance with gaps, as the area also files what never reaches the office.
 * Returns 0 or -1 when the sequence would pass six digits. */
static int fakeds_gen_number(struct fakeds_gen *g, int year, const char *dep, char type, char *out,
			     size_t outlen)
{
	char key[16];
	char num[48];
	struct fakeds_gen_seq *s = NULL;

	snprintf(key, sizeof(key), "%04d%s%c", year, dep, type);
	for (size_t i = 0; i < g->nseqs; i++) {
		if (strcmp(g->seqs[i].key, key) == 0)
			s = &g->seqs[i];
	}
	if (s == NULL) {
		/* Full table: the oldest year's sequences are no longer needed. */
		if (g->nseqs == FAKEDS_GEN_SEQ_SLOTS) {
			memmove(&g->seqs[0], &g->seqs[1], (g->nseqs - 1) * sizeof(g->seqs[0]));
			g->nseqs--;
		}
		s = &g->seqs[g->nseqs++];
		strlcpy_s(s->key, key, sizeof(s->key));
		s->next = fakeds_gen_between(g, 1, 400);
	}
	if (s->next < 0 || s->next > FAKEDS_DATA_SEQ_MAX)
		return -1;
	snprintf(num, sizeof(num), "%04d%s%06ld%c", year, dep, s->next, type);
	if (strlcpy_s(out, num, outlen) >= outlen)
		return -1;
	s->next += fakeds_gen_between(g, 1, 4);
	return 0;
}

/* Fills the fields of one filing that do not depend on its number. */
static void fakeds_gen_fill(struct fakeds_gen *g, struct fakeds_filing *f, int year,
			    struct buf *subject)
{
	int entrada = fakeds_gen_pick(g, 100) < FAKEDS_GEN_PCT_ENTRADA;
	const struct fakeds_gen_template *t;
	const char *who;
	char num[24];

	f->folios = fakeds_gen_folios(g);
	fakeds_data_filing_set(
	    f, FS_REMITENTE,
	    fakeds_gen_people[fakeds_gen_pick(g, FAKEDS_GEN_COUNT(fakeds_gen_people))]);
	if (entrada) {
		const struct fakeds_gen_org *o =
		    &fakeds_gen_orgs[fakeds_gen_pick(g, FAKEDS_GEN_COUNT(fakeds_gen_orgs))];

		who = o->name;
		fakeds_data_filing_set(f, FS_DEP_ORIGEN, FAKEDS_GEN_VENTANILLA);
		fakeds_data_filing_set(f, FS_DEP_ORIGEN_NOMBRE, o->name);
		fakeds_data_filing_set(f, FS_EMAIL, o->email);
		fakeds_data_filing_set(f, FS_DIRECCION, o->address);
		fakeds_data_filing_set(f, FS_TELEFONO, o->phone);
		fakeds_data_filing_set(f, FS_DOCUMENTO, o->nit);
		snprintf(num, sizeof(num), "%ld", fakeds_gen_between(g, 1000, 9999));
		fakeds_data_filing_set(f, FS_OEM_CODIGO, num);
		fakeds_data_filing_set(f, FS_DIR_TIPO, "1");
		do {
			t = &fakeds_gen_templates[fakeds_gen_pick(
			    g, FAKEDS_GEN_COUNT(fakeds_gen_templates))];
		} while (!t->externo);
	} else {
		const struct fakeds_gen_area *a =
		    &fakeds_gen_areas[fakeds_gen_pick(g, FAKEDS_GEN_N_AREAS)];

		who = a->name;
		fakeds_data_filing_set(f, FS_DEP_ORIGEN, a->code);
		fakeds_data_filing_set(f, FS_DEP_ORIGEN_NOMBRE, a->name);
		fakeds_data_filing_set(f, FS_EMAIL, a->email);
		fakeds_data_filing_set(f, FS_DIRECCION, "Carrera 8 No. 10 - 65");
		fakeds_data_filing_set(f, FS_TELEFONO, "3813000");
		t = &fakeds_gen_templates[fakeds_gen_pick(g,
							  FAKEDS_GEN_COUNT(fakeds_gen_templates))];
	}
	fakeds_data_filing_set(f, FS_DEPE_CODI, f->s[FS_DEP_ORIGEN]);
	fakeds_gen_subject(g, t->text, who, year, subject);
	fakeds_data_filing_set(f, FS_ASUNTO, subject->data);
	fakeds_data_filing_set(f, FS_TIPO_DOCUMENTAL,
			       fakeds_gen_pick(g, 100) < 85
				   ? t->tdoc
				   : fakeds_gen_other_tdoc[fakeds_gen_pick(
					 g, FAKEDS_GEN_COUNT(fakeds_gen_other_tdoc))]);

	/* Where it is now: mostly the office, else the area itself or another one. */
	if (fakeds_gen_pick(g, 100) < FAKEDS_GEN_PCT_OTHER_DEP) {
		const char *dep;

		do {
			dep =
			    fakeds_gen_areas[fakeds_gen_pick(g, FAKEDS_GEN_COUNT(fakeds_gen_areas))]
				.code;
		} while (strcmp(dep, g->d->office) == 0);
		fakeds_data_filing_set(f, FS_DEP_ACTUAL, dep);
	}

	snprintf(num, sizeof(num), "%ld", fakeds_gen_between(g, 1, 20));
	fakeds_data_filing_set(f, FS_USUARIO_ACTUAL, num);
	snprintf(num, sizeof(num), "%ld", fakeds_gen_between(g, 1, 20));
	fakeds_data_filing_set(f, FS_USUARIO_ANTERIOR, num);
	snprintf(num, sizeof(num), "%ld", fakeds_gen_between(g, 1, 30));
	fakeds_data_filing_set(f, FS_USUARIO_RADICADOR, num);
	fakeds_data_filing_set(f, FS_CODI_NIVEL, fakeds_gen_pick(g, 10) < 9 ? "5" : "3");
	snprintf(num, sizeof(num), "%ld", fakeds_gen_between(g, 100000, 999999));
	fakeds_data_filing_set(f, FS_DIR_CODIGO, num);

	/* Annulment: a few requested (1), fewer annulled (2). */
	switch (fakeds_gen_pick(g, 100)) {
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
		r = fakeds_gen_pick(g, 100);
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

	memset(&g, 0, sizeof(g));
	g.d = d;
	g.prng = d->seed * 0x2545F4914F6CDD1DULL + 1;
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

			f->epoch = dd * 86400 + fakeds_gen_time_of_day(&g) - SIM_TIME_UTC_OFFSET;
			f->usec = (long)fakeds_gen_pick(&g, 1000000);
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
