-- tests/data/orfeo-sql/schema.sql -- the part of an Orfeo database (stock 3.8 / 7 on PostgreSQL 15)
-- that segcont's orfeo-sql profile reads, written for the tests from what real installations hold.
-- Loaded by tests/integration/pgorfeo.py into an empty database (UTF8 or WIN1252) as the owner.
-- Orfeo 7 shape: hist_eventos has an id; an Orfeo 3.8 database has no such column (the harness
-- drops it for that variant). There is deliberately no index on hist_eventos (depe_codi_dest,
-- hist_fech): real installations do not have one.

SET client_min_messages = warning;

-- Orfeo 7's dump defines its own concat(text, text) that joins with a comma: SQL that relies on
-- the built-in concat() gets 'a, b' instead of 'ab' here, as it would there (segcont uses ||).
CREATE FUNCTION public.concat(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT $1 || ', ' || $2 $$;

CREATE TABLE dependencia (
    depe_codi numeric(5,0) NOT NULL,
    depe_nomb varchar(70) NOT NULL,
    dpto_codi numeric(2,0),
    depe_codi_padre numeric(5,0),
    muni_codi numeric(3,0),
    depe_codi_territorial numeric(4,0),
    dep_sigla varchar(100),
    dep_central numeric(1,0),
    dep_direccion varchar(100),
    depe_num_interna numeric(4,0),
    depe_num_resolucion numeric(4,0),
    depe_rad_tp1 numeric(5,0),
    depe_rad_tp2 numeric(5,0),
    depe_rad_tp3 numeric(5,0),
    id_cont numeric(2,0),
    id_pais numeric(4,0),
    depe_estado numeric(1,0) DEFAULT 1,
    CONSTRAINT pk_depe PRIMARY KEY (depe_codi)
);

CREATE TABLE sgd_tpr_tpdcumento (
    sgd_tpr_codigo numeric(4,0) NOT NULL,
    sgd_tpr_descrip varchar(500),
    sgd_tpr_termino numeric(4,0),
    sgd_tpr_tpuso numeric(1,0),
    sgd_tpr_numera char(1),
    sgd_tpr_radica char(1),
    sgd_tpr_tp1 numeric(1,0) DEFAULT 0,
    sgd_tpr_tp2 numeric(1,0) DEFAULT 0,
    sgd_tpr_tp3 numeric(1,0) DEFAULT 0,
    sgd_tpr_estado numeric(1,0) DEFAULT 1,
    sgd_termino_real numeric(4,0),
    CONSTRAINT pk_sgd_tpr_tpdcumento PRIMARY KEY (sgd_tpr_codigo)
);

CREATE TABLE sgd_ttr_transaccion (
    sgd_ttr_codigo numeric(3,0) NOT NULL,
    sgd_ttr_descrip varchar(100) NOT NULL,
    CONSTRAINT pk_sgd_ttr_transaccion PRIMARY KEY (sgd_ttr_codigo)
);

CREATE TABLE radicado (
    radi_nume_radi numeric(15,0) NOT NULL,
    radi_fech_radi timestamp without time zone NOT NULL,
    tdoc_codi numeric(4,0) DEFAULT 0,
    trte_codi numeric(2,0),
    mrec_codi numeric(2,0),
    eesp_codi numeric(10,0),
    eotra_codi numeric(10,0),
    radi_tipo_empr varchar(2),
    radi_fech_ofic timestamp without time zone,
    tdid_codi numeric(2,0),
    radi_nume_iden varchar(15),
    radi_nomb varchar(90),
    radi_prim_apel varchar(50),
    radi_segu_apel varchar(50),
    radi_pais varchar(70),
    muni_codi numeric(5,0),
    cpob_codi numeric(4,0),
    carp_codi numeric(3,0),
    esta_codi numeric(2,0),
    dpto_codi numeric(2,0),
    cen_muni_codi numeric(4,0),
    cen_dpto_codi numeric(2,0),
    radi_dire_corr varchar(100),
    radi_tele_cont numeric(15,0),
    radi_nume_hoja numeric(4,0),
    radi_desc_anex varchar(100),
    radi_nume_deri numeric(15,0),
    radi_path varchar(100),
    radi_usua_actu numeric(10,0),
    radi_depe_actu numeric(5,0),
    radi_fech_asig timestamp without time zone,
    radi_arch1 varchar(10),
    radi_arch2 varchar(10),
    radi_arch3 varchar(10),
    radi_arch4 varchar(10),
    ra_asun varchar(350),
    radi_usu_ante varchar(45),
    radi_depe_radi numeric(5,0),
    radi_rem varchar(60),
    radi_usua_radi numeric(10,0),
    codi_nivel numeric(2,0) DEFAULT 1,
    flag_nivel integer DEFAULT 1,
    carp_per numeric(1,0) DEFAULT 0,
    radi_leido numeric(1,0) DEFAULT 0,
    radi_cuentai varchar(20),
    radi_tipo_deri numeric(2,0) DEFAULT 0,
    listo varchar(2),
    sgd_tma_codigo numeric(4,0),
    sgd_mtd_codigo numeric(4,0),
    par_serv_secue numeric(8,0),
    sgd_fld_codigo numeric(3,0) DEFAULT 0,
    radi_agend numeric(1,0),
    radi_fech_agend timestamp without time zone,
    radi_fech_doc timestamp without time zone,
    sgd_doc_secuencia numeric(15,0),
    sgd_pnufe_codi numeric(4,0),
    sgd_eanu_codigo numeric(1,0),
    sgd_not_codi numeric(3,0),
    radi_fech_notif timestamp without time zone,
    sgd_tdec_codigo numeric(4,0),
    sgd_apli_codi numeric(4,0),
    sgd_ttr_codigo numeric(3,0) DEFAULT 0,
    usua_doc_ante varchar(14),
    radi_fech_antetx timestamp without time zone,
    sgd_trad_codigo numeric(2,0),
    fech_vcmto timestamp without time zone,
    tdoc_vcmto numeric(4,0),
    sgd_termino_real numeric(4,0),
    id_cont numeric(2,0) DEFAULT 1,
    sgd_spub_codigo numeric(2,0) DEFAULT 0,
    id_pais numeric(4,0) DEFAULT 170,
    radi_nrr numeric(1,0) DEFAULT 0,
    medio_m varchar(5),
    radi_nume_folio numeric(5,0),
    radi_nume_anexo numeric(5,0),
    radi_depe_actu_ant numeric(5,0),
    CONSTRAINT pk_radicado PRIMARY KEY (radi_nume_radi)
);

CREATE TABLE hist_eventos (
    id bigint NOT NULL,
    depe_codi numeric(5,0) NOT NULL,
    hist_fech timestamp without time zone NOT NULL,
    usua_codi numeric(10,0) NOT NULL,
    radi_nume_radi numeric(15,0) NOT NULL,
    hist_obse varchar(600) NOT NULL,
    usua_codi_dest numeric(10,0),
    usua_doc varchar(14),
    usua_doc_old varchar(15),
    sgd_ttr_codigo numeric(3,0),
    hist_usua_autor varchar(14),
    hist_doc_dest varchar(14),
    depe_codi_dest numeric(5,0)
);
CREATE SEQUENCE sec_hist_eventos START WITH 1 INCREMENT BY 1;
ALTER TABLE hist_eventos ALTER COLUMN id SET DEFAULT nextval('sec_hist_eventos');
ALTER TABLE hist_eventos ADD CONSTRAINT pk_hist_eventos PRIMARY KEY (id);
-- A filing's history is looked up by its number; nothing else is indexed.
CREATE INDEX ind_hist_eventos_radi ON hist_eventos (radi_nume_radi);

CREATE TABLE sgd_dir_drecciones (
    sgd_dir_codigo numeric(10,0) NOT NULL,
    sgd_dir_tipo numeric(4,0) NOT NULL,
    sgd_oem_codigo numeric(8,0),
    sgd_ciu_codigo numeric(8,0),
    radi_nume_radi numeric(15,0),
    sgd_esp_codi numeric(5,0),
    muni_codi numeric(4,0),
    dpto_codi numeric(2,0),
    sgd_dir_direccion varchar(150),
    sgd_dir_telefono varchar(50),
    sgd_dir_mail varchar(50),
    sgd_sec_codigo numeric(13,0),
    sgd_temporal_nombre varchar(150),
    anex_codigo numeric(20,0),
    sgd_anex_codigo varchar(20),
    sgd_dir_nombre varchar(150),
    sgd_doc_fun varchar(14),
    sgd_dir_nomremdes varchar(1000),
    sgd_trd_codigo numeric(1,0),
    sgd_dir_tdoc numeric(1,0),
    sgd_dir_doc varchar(14),
    id_pais numeric(4,0) DEFAULT 170,
    id_cont numeric(2,0) DEFAULT 1,
    CONSTRAINT pk_sgd_dir_drecciones PRIMARY KEY (sgd_dir_codigo)
);
CREATE SEQUENCE sec_dir_direcciones START WITH 1 INCREMENT BY 1;
CREATE INDEX ind_sgd_dir_radi ON sgd_dir_drecciones (radi_nume_radi);
