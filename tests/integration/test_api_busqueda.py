"""The Bandeja's search over real HTTP against `segcont serve` (issue 13, item 6): a filing
number typed with spaces or dashes (or another system's number) is named in "numero_exacto"
with its estado and whether the filters in force leave it out, whatever those filters; the
free text also finds the contract number, contratista, objeto, observaciones and devolución
reasons by a word or a word's beginning, accents and case aside (FTS5); FTS5 syntax typed by a
user is never an error; a database of schema 6 gets the index filled by migration 7."""
import sqlite3
import time
import urllib.parse

import segtest as t

env = t.start_api("api-busqueda")
B, db = env["base"], env["db"]
U = env["users"]
DIR, ABO, APO = (U[k][1] for k in ("director", "abogado", "apoyo"))
ABO_ID, ABO2_ID = U["abogado"][0], U["abogado2"][0]


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def buscar(q, token=DIR, **filtros):
    args = dict(filtros, q=q, por_pagina=100)
    st, h, b = call("GET", "/api/radicados?" + urllib.parse.urlencode(args), token=token)
    return st, b


def numeros(b):
    return sorted(r["numero"] for r in b.get("radicados", [])) if isinstance(b, dict) else None


def q(sql, *args):
    return t.db_query(db, sql, *args)


def version(n):
    return call("GET", "/api/radicados/" + n)[2]["seguimiento"]["version"]


rows = q("SELECT r.numero, substr(r.fecha_radicacion, 1, 10) FROM radicado r JOIN seguimiento s"
         " ON s.radicado_id = r.id WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente'"
         " AND length(r.numero) = 14 ORDER BY r.fecha_radicacion, r.numero")
t.check(len(rows) >= 4, "hay radicados recibidos y vigentes (%d)" % len(rows))
(N1, F1), (N2, F2), (N3, F3), (N4, F4) = rows[0], rows[1], rows[2], rows[-1]

print("1. el contrato, el contratista, el objeto y las observaciones")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, body={"abogado_id": ABO_ID})
t.check(st == 200, "reparto de %s" % N1)
contrato = {"version": version(N1), "numero_contrato": "CD-2026-0457",
            "contratista": "Construcciones Ñandú y Asociados S.A.S.",
            "objeto": "Mantenimiento preventivo del puente peatonal de la Avenida Boyacá"}
st, h, b = call("PATCH", "/api/radicados/" + N1, token=APO, body=contrato)
t.check(st == 200, "apoyo registra el contrato de %s (%s)" % (N1, st))
st, h, b = call("PATCH", "/api/radicados/" + N1, token=ABO,
                body={"version": version(N1), "observaciones": "Pendiente el aval de Zipaquirá"})
t.check(st == 200, "la abogada registra observaciones (%s)" % st)
for texto, campo in (("CD-2026-0457", "número de contrato entero"), ("0457", "parte del número de contrato"),
                     ("ñandú", "contratista con tildes"), ("NANDU", "contratista sin tildes, en mayúsculas"),
                     ("construcciones asoc", "contratista, comienzo de palabra"),
                     ("puente peatonal", "objeto"), ("boyaca", "objeto sin tilde"),
                     ("ZIPAQUIRÁ", "observaciones, mayúsculas con tilde"), ("zipaq", "observaciones, comienzo")):
    st, b = buscar(texto)
    t.check(st == 200 and numeros(b) == [N1], "«%s» (%s) encuentra %s: %s" % (texto, campo, N1, numeros(b)))

print("2. los motivos de devolución y las observaciones de gestión")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N2, body={"abogado_id": ABO_ID})
path = "/api/radicados/%s/gestiones" % N2
st, h, b = call("POST", path, token=ABO, body={"tipo": "observacion", "texto": "Llamé a Tocancipá"})
t.check(st == 201, "observación en %s" % N2)
st, h, b = call("POST", path, token=ABO, body={"tipo": "devolucion",
                                                "texto": "Falta el certificado de disponibilidad presupuestal"})
t.check(st == 201 and b["seguimiento"]["estado"] == "devuelto", "devolución de %s" % N2)
for texto in ("certificado disponibilidad", "PRESUPUESTAL", "tocancipa", "LLAMÉ A TOCAN"):
    st, b = buscar(texto)
    t.check(st == 200 and numeros(b) == [N2], "«%s» encuentra %s: %s" % (texto, N2, numeros(b)))
st, b = buscar("certificado", estado="devuelto", abogado_id=ABO_ID)
t.check(st == 200 and numeros(b) == [N2], "la búsqueda de texto se combina con los filtros")
st, b = buscar("certificado", estado="recibido")
t.check(st == 200 and numeros(b) == [], "y los filtros se respetan: %s" % numeros(b))
asunto = q("SELECT asunto FROM radicado WHERE numero = ?", N3)[0][0]
palabra = max(asunto.split(), key=len)
st, b = buscar(palabra[1:-1])
t.check(st == 200 and N3 in (numeros(b) or []), "el asunto se sigue encontrando por un fragmento (%s)" % palabra)
st, b = buscar(N3[3:11])
t.check(st == 200 and N3 in (numeros(b) or []), "y el número por un fragmento")

print("3. un número con espacios o guiones, bajo un filtro estrecho")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N3, body={"abogado_id": ABO_ID})
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N3, token=ABO,
                body={"tipo": "observacion", "texto": "revisado"})
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N3, token=ABO,
                body={"tipo": "conclusion", "satisfactorio": True, "texto": "listo"})
t.check(st == 201 and b["seguimiento"]["estado"] == "concluido", "%s concluido" % N3)
espacios = " ".join([N3[0:4], N3[4:8], N3[8:12], N3[12:]])
guiones = N3[:8] + "-" + N3[8:]
for typed in (espacios, guiones, N3):
    st, b = buscar(typed, estado="recibido", abogado_id=ABO2_ID, desde=F4, hasta=F4)
    ne = b.get("numero_exacto") if isinstance(b, dict) else None
    t.check(st == 200 and ne == {"numero": N3, "estado": "concluido", "abogado": "Abogada Peña",
                                 "fuera_de_filtros": True},
            "«%s» bajo «Recibido», otro abogado y otra fecha: %s" % (typed, ne))
st, b = buscar(espacios, estado="concluido")
t.check(st == 200 and b["numero_exacto"]["fuera_de_filtros"] is False and N3 in numeros(b),
        "bajo «Concluido» está en la lista y fuera_de_filtros es false")
st, b = buscar(espacios, estado="concluido", conteos="1")
t.check(st == 200 and b["numero_exacto"]["fuera_de_filtros"] is False and "conteos" in b,
        "con conteos=1 (como la pide la Bandeja) sigue en la lista: los conteos no pisan "
        "numero_exacto (%s)" % b.get("numero_exacto"))
st, b = buscar(guiones)
t.check(st == 200 and numeros(b) == [N3] and b["numero_exacto"]["fuera_de_filtros"] is False,
        "sin filtros, con guiones, la lista lo muestra: %s" % numeros(b))
st, b = buscar("puente")
t.check(st == 200 and b.get("numero_exacto", "falta") is None, "un texto que no es un número: numero_exacto null")
st, h, b = call("GET", "/api/radicados?estado=recibido")
t.check(st == 200 and "numero_exacto" not in b, "sin q no hay numero_exacto")
otro = "1-2026-23677"
t.check(q("SELECT count(*) FROM radicado WHERE numero = ?", otro)[0][0] == 0, "el número de otro sistema es nuevo")
con = sqlite3.connect(db)
con.execute("UPDATE radicado SET numero = ? WHERE numero = ?", (otro, N4))
con.commit()
con.close()
time.sleep(0.05)
for typed in (otro, "1 2026 23677", "1-2026 23677"):
    st, b = buscar(typed, estado="concluido")
    ne = b.get("numero_exacto") if isinstance(b, dict) else None
    t.check(st == 200 and ne is not None and ne["numero"] == otro and ne["estado"] == "recibido" and
            ne["fuera_de_filtros"] is True, "el número de otro sistema «%s»: %s" % (typed, ne))

print("4. la sintaxis de FTS5 escrita por un usuario")
for hostil in ('"', '""', "*", "puente*", "NEAR", "NEAR(puente peatonal)", "-", "-puente", "puente OR x",
               "puente AND NOT", "objeto:puente", "^puente", "(puente", "{objeto}: x", "'", "\\", "«»",
               'a"b"c', "+", ":", "NOT", "puente -", '"puente'):
    st, b = buscar(hostil)
    t.check(st == 200 and isinstance(b.get("radicados"), list), "«%s»: 200 con resultados (%s)" % (hostil, st))
st, b = buscar('"puente"')
t.check(st == 200 and numeros(b) == [N1], "entre comillas la palabra se busca igual")
st, b = buscar("puente*")
t.check(st == 200 and numeros(b) == [N1], "con asterisco también")

print("5. una base del esquema 6 recibe su índice")
indexed = q("SELECT rowid FROM seguimiento_texto ORDER BY rowid")
ids = q("SELECT id FROM radicado WHERE numero IN (?, ?, ?) ORDER BY id", N1, N2, N3)
t.check(indexed == ids, "el índice tiene una fila por radicado con texto (%s, %s y %s)" % (N1, N2, N3))
env["proc"].terminate()
env["proc"].wait(timeout=10)
t.downgrade(db, 6)
con = sqlite3.connect(db)
t.check(con.execute("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%texto%'").fetchone()[0] == 0,
        "la base vuelve al esquema 6, con sus datos")
con.close()
proc = t.start_serve(env["conf"], env["work"])
t.wait_healthz(B)
t.check(q("PRAGMA user_version")[0][0] == 10, "serve la lleva al esquema de hoy (10)")
t.check(q("SELECT rowid FROM seguimiento_texto ORDER BY rowid") == ids, "la migración llena el índice: %s" % ids)
for texto, n in (("ñandu", N1), ("zipaquira", N1), ("presupuestal", N2), ("tocancipa", N2)):
    st, b = buscar(texto)
    t.check(st == 200 and numeros(b) == [n], "tras migrar, «%s» encuentra %s" % (texto, n))
st, b = buscar(espacios, estado="recibido")
t.check(st == 200 and b["numero_exacto"]["numero"] == N3, "y el número con espacios")
st, h, b = call("PATCH", "/api/radicados/" + N1, token=APO,
                body={"version": version(N1), "objeto": "Dotación de la biblioteca"})
st, b = buscar("puente")
t.check(st == 200 and numeros(b) == [], "el índice sigue los cambios: el objeto viejo ya no está")
st, b = buscar("biblioteca")
t.check(st == 200 and numeros(b) == [N1], "y el nuevo sí")

t.finish()
