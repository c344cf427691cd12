/* sim_gen.c -- the shared vocabulary and seeded draws of the generated datasets. The tables
 * and the order of the draws are what a seed generates: changing either changes every
 * generated dataset. */
#include "sim_gen.h"

#include <stdio.h>
#include <string.h>

#include "sim_rand.h"

#define SIM_GEN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The entity's requesting areas; the last entry is the mail room. */
static const struct sim_gen_area sim_gen_areas[] = {
    {"110", "Oficina Asesora Jurídica", "juridica@example.gov.co"},
    {"120", "Oficina Asesora de Planeación", "planeacion@example.gov.co"},
    {"130", "Oficina de Tecnologías de la Información", "tecnologias.informacion@example.gov.co"},
    {"140", "Oficina de Control Interno", "control.interno@example.gov.co"},
    {"211", "Subdirección Financiera", "subdireccion.financiera@example.gov.co"},
    {"212", "Subdirección de Talento Humano", "talento.humano@example.gov.co"},
    {"213", "Subdirección Administrativa y Logística", "administrativa@example.gov.co"},
    {"310", "Dirección de Gestión Territorial", "gestion.territorial@example.gov.co"},
    {SIM_GEN_VENTANILLA, "Ventanilla Única de Correspondencia", "correspondencia@example.gov.co"},
};
static const struct sim_gen_org sim_gen_orgs[] = {
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

static const char *const sim_gen_people[] = {
    "María Fernanda Peña Muñoz",	 "José Luis Gómez Ávila",
    "Ana Lucía Rodríguez Cárdenas",	 "Andrés Felipe Martínez Ortiz",
    "Luz Ángela Díaz Beltrán",		 "Carlos Julián Pérez Núñez",
    "Sofía Catalina Hernández Quiñones", "Jorge Iván Ramírez Londoño",
    "Paola Andrea Suárez Güiza",	 "Héctor Fabio Castaño Ospina",
    "Mónica Patricia Zúñiga León",	 "Óscar Eduardo Ibáñez Rincón",
};

static const char *const sim_gen_objects[] = {
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

static const struct sim_gen_template sim_gen_templates[] = {
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

static const char *const sim_gen_other_tdoc[] = {"0", "0", "1001", "1075", "1100"};

void sim_gen_init(struct sim_gen *g, unsigned long long seed, size_t slots)
{
	memset(g, 0, sizeof(*g));
	g->prng = seed * 0x2545F4914F6CDD1DULL + 1;
	g->nslots = slots < 1 ? 1 : slots > SIM_GEN_MAX_SLOTS ? SIM_GEN_MAX_SLOTS : slots;
}

unsigned long sim_gen_pick(struct sim_gen *g, unsigned long n)
{
	return (unsigned long)(sim_rand_mix(&g->prng) % n);
}

long sim_gen_between(struct sim_gen *g, long lo, long hi)
{
	return lo + (long)sim_gen_pick(g, (unsigned long)(hi - lo + 1));
}

long sim_gen_time_of_day(struct sim_gen *g)
{
	unsigned long r = sim_gen_pick(g, 100);

	if (r < 4)
		return sim_gen_between(g, 0, 3599);
	if (r < 8)
		return sim_gen_between(g, 18 * 3600, 24 * 3600 - 1);
	if (r < 18)
		return sim_gen_between(g, 16 * 3600 + 1800, 18 * 3600 - 1);
	if (r < 28)
		return sim_gen_between(g, 12 * 3600, 13 * 3600 - 1);
	return sim_gen_between(g, 7 * 3600, 16 * 3600 + 1799);
}

int sim_gen_folios(struct sim_gen *g)
{
	unsigned long r = sim_gen_pick(g, 100);

	if (r < 60)
		return (int)sim_gen_between(g, 1, 5);
	if (r < 90)
		return (int)sim_gen_between(g, 6, 30);
	return (int)sim_gen_between(g, 31, 180);
}

const char *sim_gen_person(struct sim_gen *g)
{
	return sim_gen_people[sim_gen_pick(g, SIM_GEN_COUNT(sim_gen_people))];
}

const struct sim_gen_area *sim_gen_area(struct sim_gen *g)
{
	return &sim_gen_areas[sim_gen_pick(g, SIM_GEN_N_AREAS)];
}

const struct sim_gen_org *sim_gen_org(struct sim_gen *g)
{
	return &sim_gen_orgs[sim_gen_pick(g, SIM_GEN_COUNT(sim_gen_orgs))];
}

const char *sim_gen_other_dep(struct sim_gen *g, const char *office)
{
	const char *dep;

	do {
		dep = sim_gen_areas[sim_gen_pick(g, SIM_GEN_COUNT(sim_gen_areas))].code;
	} while (strcmp(dep, office) == 0);
	return dep;
}

const struct sim_gen_template *sim_gen_template(struct sim_gen *g, int externo)
{
	const struct sim_gen_template *t;

	do {
		t = &sim_gen_templates[sim_gen_pick(g, SIM_GEN_COUNT(sim_gen_templates))];
	} while (externo && !t->externo);
	return t;
}

const char *sim_gen_tdoc(struct sim_gen *g, const struct sim_gen_template *t)
{
	if (sim_gen_pick(g, 100) < 85)
		return t->tdoc;
	return sim_gen_other_tdoc[sim_gen_pick(g, SIM_GEN_COUNT(sim_gen_other_tdoc))];
}

void sim_gen_subject(struct sim_gen *g, const char *tpl, const char *who, int year, struct buf *out)
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
			buf_printf(out, "%s-%ld-%ld", series[sim_gen_pick(g, 3)],
				   sim_gen_between(g, 1, 1500),
				   (long)year - (long)sim_gen_pick(g, 3));
			break;
		case 'O':
			buf_puts(out,
				 sim_gen_objects[sim_gen_pick(g, SIM_GEN_COUNT(sim_gen_objects))]);
			break;
		case 'N':
			buf_printf(out, "%ld", sim_gen_between(g, 1, 4));
			break;
		case 'P':
			buf_puts(out, sim_gen_person(g));
			break;
		default:
			buf_append(out, p, 3);
			break;
		}
		p += 2;
	}
}

struct sim_gen_seq *sim_gen_seq(struct sim_gen *g, const char *key, long lo, long hi)
{
	struct sim_gen_seq *s = NULL;

	for (size_t i = 0; i < g->nseqs; i++) {
		if (strcmp(g->seqs[i].key, key) == 0)
			s = &g->seqs[i];
	}
	if (s != NULL)
		return s;
	/* Full table: the oldest year's sequences are no longer needed. */
	if (g->nseqs == g->nslots) {
		memmove(&g->seqs[0], &g->seqs[1], (g->nseqs - 1) * sizeof(g->seqs[0]));
		g->nseqs--;
	}
	s = &g->seqs[g->nseqs++];
	strlcpy_s(s->key, key, sizeof(s->key));
	s->next = sim_gen_between(g, lo, hi);
	return s;
}

void sim_gen_seq_advance(struct sim_gen *g, struct sim_gen_seq *s)
{
	s->next += sim_gen_between(g, 1, 4);
}

const char *sim_gen_area_name(const char *code)
{
	for (size_t i = 0; i < SIM_GEN_COUNT(sim_gen_areas); i++) {
		if (strcmp(sim_gen_areas[i].code, code) == 0)
			return sim_gen_areas[i].name;
	}
	return NULL;
}
