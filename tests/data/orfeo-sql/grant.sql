-- The read-only role segcont connects with (profile orfeo-sql). Run once by the DBA, as a
-- superuser (or the database owner with CREATEROLE), connected to Orfeo's database:
--     psql -v ON_ERROR_STOP=1 -v clave='LA-CLAVE' -d orfeo -f grant.sql
-- :'clave' is the role's password (psql quotes it); :"DBNAME" is the database psql is connected to.
-- The same password goes, alone on one line, in the file named by key_file in segcont.conf.
-- segcont only reads: CONNECT on the database, USAGE on the schema, SELECT on six tables.
-- pg_hba.conf must let the role in with a password, e.g.
--     host  orfeo  segcont_ro  192.0.2.10/32  scram-sha-256
CREATE ROLE segcont_ro LOGIN PASSWORD :'clave' NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE segcont_ro SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE :"DBNAME" TO segcont_ro;
GRANT USAGE ON SCHEMA public TO segcont_ro;
GRANT SELECT ON TABLE radicado, hist_eventos, sgd_dir_drecciones, dependencia, sgd_tpr_tpdcumento,
    sgd_ttr_transaccion TO segcont_ro;
