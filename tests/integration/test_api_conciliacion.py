"""The Conciliación's bulk actions over real HTTP: POST /api/discrepancias/resolver resolves
several discrepancies with one note, all or nothing in one transaction (a 422 names the
first item that cannot be resolved), with the roles of the single resolve; POST
/api/discrepancias/{id}/aplicar writes the document system's data recorded in a
datos_distintos row into the filing, audits it and resolves the row. The discrepancies are
real: fakeds is changed behind the sync's back and `segcont reconcile` finds them."""
import datetime
import json
import sqlite3

import segtest as t

env = t.start_api("api_conciliacion", days=60)
base, db, conf, ds = env["base"], env["db"], env["conf"], env["ds"]
director = env["users"]["director"][1]
admin = env["users"]["admin"][1]
abogado = env["users"]["abogado"][1]
apoyo = env["users"]["apoyo"][1]
today = t.today_bogota()

print("1. discrepancias reales: asuntos cambiados y un radicado movido en el sistema documental")
office = ds.dump(t.OFFICE)
old_day = (today - datetime.timedelta(days=30)).isoformat()
cands = sorted(n for n, f in office.items()
               if f["estado_ds"] == "vigente" and f["fecha_radicacion"][:10] < old_day)
retitled = cands[2:6]
moved = cands[10]
old_asunto = {n: office[n]["asunto"] for n in retitled}
new_asunto = {n: "Asunto corregido en el SGD %d" % i for i, n in enumerate(retitled)}
for n in retitled:
    ds.control("/control/update", {"numero": n, "asunto": new_asunto[n]})
ds.control("/control/update", {"numero": moved, "dependencia_actual": "211"})
rc, out, err = t.run_segcont("reconcile", "-c", conf)
t.check(rc == 0, "segcont reconcile termina con 0 (%s)" % err[-300:])


def disc(numero, tipo):
    rows = t.db_query(db, "SELECT id FROM discrepancia WHERE numero = ? AND tipo = ? AND "
                      "estado = 'abierta'", numero, tipo)
    return rows[0][0] if rows else None


def estado(rid):
    return t.db_query(db, "SELECT estado FROM discrepancia WHERE id = ?", rid)[0][0]


dd = [disc(n, "datos_distintos") for n in retitled]
mv = disc(moved, "ya_no_en_dependencia")
t.check(all(dd) and mv, "la conciliación abrió 4 datos_distintos y 1 ya_no_en_dependencia")
status, _, listing = t.api(base, "GET", "/api/discrepancias?tipo=datos_distintos", director)
t.check(status == 200 and listing["total"] == 4 and
        {d["id"] for d in listing["discrepancias"]} == set(dd),
        "GET ?tipo=datos_distintos las lista (%s)" % status)

print("2. resolver varias con una nota: todo o nada")
path = "/api/discrepancias/resolver"
nota = "Revisadas con el archivo: el SGD tiene razón"
t.check(t.api(base, "POST", path, None, {"ids": [dd[0]], "nota": nota})[0] == 401,
        "sin token: 401")
for who, token in (("una abogada", abogado), ("apoyo", apoyo)):
    st = t.api(base, "POST", path, token, {"ids": [dd[0]], "nota": nota})[0]
    t.check(st == 403, "%s no resuelve en bloque: 403 (%s)" % (who, st))
before = t.db_dump(db)
status, _, body = t.api(base, "POST", path, director, {"ids": [dd[0], 999999, mv], "nota": nota})
t.check(status == 422 and body["error"]["codigo"] == "no_encontrada" and
        "elemento 2" in body["error"]["mensaje"] and "999999" in body["error"]["mensaje"],
        "un id desconocido en medio: 422 que nombra el elemento 2 (%s)" % body)
t.check(t.db_dump(db) == before and estado(dd[0]) == "abierta",
        "y nada se escribió: la primera sigue abierta")
status, _, body = t.api(base, "POST", path, director, {"ids": [dd[0], dd[0]], "nota": nota})
t.check(status == 422 and body["error"]["codigo"] == "ya_cerrada" and
        "elemento 2" in body["error"]["mensaje"] and "repetida" in body["error"]["mensaje"],
        "un id repetido: 422 ya_cerrada (%s)" % body)
t.check(t.db_dump(db) == before, "tampoco escribe nada")
for bad, why in (({"ids": [], "nota": nota}, "lista vacía"),
                 ({"ids": ["x"], "nota": nota}, "un id que no es número"),
                 ({"ids": [dd[0]], "nota": "   "}, "nota vacía"),
                 ({"ids": [dd[0]]}, "sin nota")):
    status, _, body = t.api(base, "POST", path, director, bad)
    t.check(status in (400, 422) and isinstance(body, dict) and "error" in body,
            "%s: %s con un error en castellano (%s)" % (why, status, body))
t.check(t.api(base, "POST", path, director, {"ids": list(range(1, 502)), "nota": nota})[0]
        in (400, 422), "más de 500: rechazado")
t.check(t.db_dump(db) == before, "ninguna petición rechazada escribió")
status, _, body = t.api(base, "POST", path, director, {"ids": [dd[0], mv], "nota": nota})
t.check(status == 200 and body["resueltas"] == 2 and
        [d["id"] for d in body["discrepancias"]] == [dd[0], mv] and
        all(d["estado"] == "resuelta" and d["nota"] == nota and
            d["resuelta_por"]["nombre"] == "Directora Gómez" for d in body["discrepancias"]),
        "la directora resuelve dos con una nota (%s)" % status)
audit = t.db_query(db, "SELECT a.campo, a.valor_nuevo FROM auditoria a JOIN radicado r ON "
                   "r.id = a.radicado_id WHERE r.numero IN (?, ?) AND a.campo LIKE "
                   "'discrepancia #%'", retitled[0], moved)
t.check(sorted(a[0] for a in audit) == sorted(["discrepancia #%d datos_distintos" % dd[0],
                                               "discrepancia #%d ya_no_en_dependencia" % mv])
        and all(a[1] == "resuelta: " + nota for a in audit),
        "cada una con su fila de auditoría, como la resolución de una (%s)" % audit)
status, _, body = t.api(base, "POST", path, admin, {"ids": [dd[1]], "nota": "admin"})
t.check(status == 200 and body["resueltas"] == 1, "el administrador también (%s)" % status)
status, _, body = t.api(base, "POST", path, director, {"ids": [dd[1]], "nota": nota})
t.check(status == 422 and body["error"]["codigo"] == "ya_cerrada" and
        "ya está resuelta" in body["error"]["mensaje"], "una ya resuelta: 422 (%s)" % body)

print("3. aplicar el dato del sistema documental (datos_distintos)")
anul = t.db_query(db, "SELECT id FROM discrepancia WHERE estado = 'abierta' AND tipo <> "
                  "'datos_distintos' LIMIT 1")
if anul:
    status, _, body = t.api(base, "POST", "/api/discrepancias/%d/aplicar" % anul[0][0],
                            director, {})
    t.check(status == 422 and body["error"]["codigo"] == "no_aplicable",
            "aplicar sobre otra clase: 422 no_aplicable (%s)" % body)
t.check(t.api(base, "POST", "/api/discrepancias/%d/aplicar" % dd[2], abogado, {})[0] == 403,
        "una abogada no aplica: 403")
t.check(t.api(base, "POST", "/api/discrepancias/999999/aplicar", director, {})[0] == 404,
        "id desconocido: 404")
# the copy as it was before reconcile updated it (the system's data to be applied for real)
con = sqlite3.connect(db)
con.execute("UPDATE radicado SET asunto = ? WHERE numero = ?", (old_asunto[retitled[2]],
                                                                 retitled[2]))
con.commit()
con.close()
status, _, body = t.api(base, "POST", "/api/discrepancias/%d/aplicar" % dd[2], director,
                        {"nota": "Confirmado con ventanilla"})
t.check(status == 200 and body["discrepancias"][0]["estado"] == "resuelta",
        "aplicar resuelve la discrepancia (%s %s)" % (status, body))
t.check(t.db_query(db, "SELECT asunto FROM radicado WHERE numero = ?", retitled[2])[0][0] ==
        new_asunto[retitled[2]], "el radicado queda con el asunto del sistema documental")
status, _, ficha = t.api(base, "GET", "/api/radicados/" + retitled[2], director)
aud = [a for a in ficha.get("auditoria", []) if a["campo"] == "asunto"]
t.check(status == 200 and len(aud) == 1 and
        aud[0].get("valor_anterior", aud[0].get("anterior")) == old_asunto[retitled[2]] and
        aud[0].get("valor_nuevo", aud[0].get("nuevo")) == new_asunto[retitled[2]],
        "la ficha audita el cambio del asunto, anterior y nuevo (%s)" % aud)
t.check(any(a["campo"] == "discrepancia #%d datos_distintos" % dd[2] and
            "dato del sistema documental aplicado" in json.dumps(a, ensure_ascii=False)
            for a in ficha["auditoria"]), "y la resolución dice que se aplicó el dato")
status, _, body = t.api(base, "POST", path, director, {"ids": [dd[3]], "nota": "en bloque",
                                                       "aplicar_dato": True})
t.check(status == 200 and estado(dd[3]) == "resuelta", "aplicar_dato en bloque (%s)" % status)
aud = t.db_query(db, "SELECT a.valor_anterior, a.valor_nuevo FROM auditoria a JOIN radicado r "
                 "ON r.id = a.radicado_id WHERE r.numero = ? AND a.campo = 'asunto'",
                 retitled[3])
t.check(aud == [(old_asunto[retitled[3]], new_asunto[retitled[3]])],
        "con la copia ya al día, la auditoría registra el valor de la oficina → el del SGD "
        "(%s)" % aud)

print("4. la conciliación siguiente no las reabre")
rc, out, err = t.run_segcont("reconcile", "-c", conf)
t.check(rc == 0 and all(estado(i) == "resuelta" for i in dd + [mv]) and
        t.db_query(db, "SELECT count(*) FROM discrepancia WHERE estado = 'abierta' AND tipo "
                   "IN ('datos_distintos', 'ya_no_en_dependencia')")[0][0] == 0,
        "siguen resueltas, ninguna nueva")
t.finish()
