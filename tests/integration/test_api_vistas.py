"""GET, POST /api/vistas and DELETE /api/vistas/{id} over real HTTP against `segcont serve`:
each user's named Bandeja views, saved, replaced by name, listed by name and deleted; one user
never sees nor touches another's (with the answer cache on, as serve runs by default); the
limits and every 4xx with its Spanish message; the views survive a restart, and a database of
schema 7 gets the table from migration 8."""
import sqlite3

import segtest as t

A = t.start_api("vistas", days=10, per_day=2)
U = A["users"]
B = A["base"]


def call(method, path, who="abogado", body=None, raw=None, headers=None):
    token = U[who][1] if who else None
    return t.api(B, method, path, token=token, body=body, raw=raw, headers=headers)


def vistas(who="abogado"):
    st, h, b = call("GET", "/api/vistas", who)
    t.check(st == 200, "GET /api/vistas de %s: 200 (%s)" % (who, st))
    return b["vistas"]


def nombres(who="abogado"):
    return [v["nombre"] for v in vistas(who)]


def q(sql, *args):
    return t.db_query(A["db"], sql, *args)


def error(st, b, status, codigo=None):
    return (st == status and isinstance(b, dict) and "error" in b
            and (codigo is None or b["error"]["codigo"] == codigo))


print("1. guardar, listar, reemplazar")
t.check(vistas() == [], "sin vistas: lista vacía")
st, h, b = call("POST", "/api/vistas", body={"nombre": "  Sin repartir  ",
                                             "consulta": "estado=recibido&orden=fecha"})
t.check(st == 201 and b["nombre"] == "Sin repartir" and b["consulta"] == "estado=recibido&orden=fecha"
        and isinstance(b["id"], int) and b["actualizada"], "nueva: 201 con la vista, el nombre sin espacios (%s %s)" % (st, b))
first = b
st, h, b = call("POST", "/api/vistas", body={"nombre": "Árbol de vencidos",
                                             "consulta": "semaforo=vencido&abiertos=1&orden=fecha_limite"})
t.check(st == 201, "segunda vista: 201")
st, h, b = call("POST", "/api/vistas", body={"nombre": "búsqueda", "consulta": "q=puente+pe%C3%B1a&orden=-fecha"})
t.check(st == 201, "tercera, con texto codificado: 201")
t.check(nombres() == ["Árbol de vencidos", "búsqueda", "Sin repartir"],
        "ordenadas por nombre, sin distinguir tildes ni mayúsculas: %s" % nombres())
got = vistas()
t.check(all(set(v) == {"id", "nombre", "consulta", "actualizada"} for v in got),
        "cada vista trae id, nombre, consulta y actualizada")
st, h, b = call("POST", "/api/vistas", body={"nombre": "Sin repartir", "consulta": "estado=recibido&orden=-fecha"})
t.check(st == 200 and b["id"] == first["id"] and b["consulta"] == "estado=recibido&orden=-fecha",
        "el mismo nombre reemplaza su consulta: 200, la misma vista (%s)" % st)
t.check(len(vistas()) == 3 and [v["consulta"] for v in vistas() if v["id"] == first["id"]] == ["estado=recibido&orden=-fecha"],
        "GET la muestra reemplazada en seguida (la caché de respuestas no la sirve vieja)")
st, h, b = call("POST", "/api/vistas", body={"nombre": "Vacía", "consulta": ""})
t.check(st == 201, "una consulta vacía (sin filtros) se admite")

print("2. cada usuario ve y cambia solo las suyas (caché de respuestas activa)")
for who in ("director", "apoyo", "admin", "abogado2"):
    t.check(vistas(who) == [], "%s no ve las vistas de la abogada" % who)
st, h, b = call("POST", "/api/vistas", "abogado2", body={"nombre": "Sin repartir", "consulta": "orden=numero"})
t.check(st == 201 and b["id"] != first["id"], "otro usuario guarda el mismo nombre: 201, otra vista")
otra = b["id"]
for i in range(6):  # the server's two threads each answer both users, from their caches
    t.check(nombres("abogado2") == ["Sin repartir"] and len(vistas("abogado")) == 4,
            "ronda %d: cada uno recibe solo las suyas" % (i + 1))
st, h, b = call("DELETE", "/api/vistas/%d" % otra, "abogado")
t.check(error(st, b, 404, "vista_no_encontrada") and "no tiene una vista" in b["error"]["mensaje"],
        "borrar la vista de otro: 404 (%s %s)" % (st, b))
t.check(nombres("abogado2") == ["Sin repartir"], "la vista del otro sigue ahí")
st, h, b = call("GET", "/api/vistas", None)
t.check(st == 401, "sin token: 401")
st, h, b = call("POST", "/api/vistas", "inactivo", body={"nombre": "x", "consulta": ""})
t.check(st == 401, "usuario inactivo: 401")

print("3. borrar")
st, h, b = call("DELETE", "/api/vistas/%d" % first["id"])
t.check(st == 204 and b is None, "borrar la propia: 204 sin cuerpo (%s)" % st)
t.check("Sin repartir" not in nombres() and nombres("abogado2") == ["Sin repartir"],
        "ya no está; la del otro, con el mismo nombre, sí")
st, h, b = call("DELETE", "/api/vistas/%d" % first["id"])
t.check(error(st, b, 404, "vista_no_encontrada"), "borrarla otra vez: 404")
for bad in ("abc", "0", "-1", "99999999999999999999"):
    st, h, b = call("DELETE", "/api/vistas/" + bad)
    t.check(error(st, b, 404, "vista_no_encontrada") and "identificador de vista" in b["error"]["mensaje"],
            "identificador «%s»: 404 en español" % bad)
st, h, b = call("PUT", "/api/vistas/1")
t.check(st == 405, "otro método: 405")

print("4. validación")
before = q("SELECT count(*) FROM vista")[0][0]
cases = [
    ({"consulta": ""}, 400, "campo_requerido", "falta «nombre»"),
    ({"nombre": "x"}, 400, "campo_requerido", "falta «consulta»"),
    ({"nombre": 5, "consulta": ""}, 400, None, "nombre no texto"),
    ({"nombre": "x", "consulta": "", "otro": 1}, 400, "campo_desconocido", "campo desconocido"),
    ({"nombre": "   ", "consulta": ""}, 422, "valor_invalido", "nombre vacío tras recortar"),
    ({"nombre": "ñ" * 61, "consulta": ""}, 422, "valor_invalido", "61 caracteres"),
    ({"nombre": "a\tb", "consulta": ""}, 422, "valor_invalido", "tabulador en el nombre"),
    ({"nombre": "a\nb", "consulta": ""}, 422, "valor_invalido", "salto de línea"),
    ({"nombre": "a\u0085b", "consulta": ""}, 422, "valor_invalido", "control C1"),
    ({"nombre": "x", "consulta": "a" * 2001}, 422, "valor_invalido", "consulta de 2001 bytes"),
    ({"nombre": "x", "consulta": "estado=recibido\n"}, 422, "valor_invalido", "control en la consulta"),
    ({"nombre": "x", "consulta": "estado=recibido&foo=1&bar&orden=fecha"}, 422,
     "parametro_desconocido", "parámetros desconocidos"),
    ({"nombre": "x", "consulta": "?estado=recibido"}, 422, "parametro_desconocido", "con «?»"),
]
for body, status, codigo, what in cases:
    st, h, b = call("POST", "/api/vistas", body=body)
    t.check(error(st, b, status, codigo), "%s: %d %s (%s %s)" % (what, status, codigo or "", st, b))
st, h, b = call("POST", "/api/vistas", body={"nombre": "x", "consulta": "estado=recibido&foo=1&bar&orden=fecha"})
m = b["error"]["mensaje"]
t.check("«foo»" in m and "«bar»" in m and "estado" not in m.split(":", 1)[1],
        "el mensaje nombra los desconocidos y solo ellos: %s" % m)
st, h, b = call("POST", "/api/vistas", body={"nombre": "ñ" * 60, "consulta": "a=" * 0 + "q=" + "x" * 1998})
t.check(st == 201, "60 caracteres de nombre y 2000 bytes de consulta: 201 (%s %s)" % (st, b))
st, h, b = call("POST", "/api/vistas", raw=b"{", headers={"Content-Type": "application/json"})
t.check(st == 400, "JSON roto: 400")
st, h, b = call("POST", "/api/vistas", raw=b"nombre=x", headers={"Content-Type": "text/plain"})
t.check(st == 415, "sin JSON: 415")
t.check(q("SELECT count(*) FROM vista")[0][0] == before + 1, "ninguna rechazada quedó guardada")

print("5. hasta 50 por usuario")
have = len(vistas("apoyo"))
for i in range(have, 50):
    st, h, b = call("POST", "/api/vistas", "apoyo", body={"nombre": "Vista %02d" % i, "consulta": "pagina=%d" % (i + 1)})
    if st != 201:
        t.check(False, "vista %d: 201 (%s %s)" % (i, st, b))
        break
t.check(len(vistas("apoyo")) == 50, "50 guardadas")
st, h, b = call("POST", "/api/vistas", "apoyo", body={"nombre": "La 51", "consulta": ""})
t.check(error(st, b, 422, "demasiadas_vistas") and "50" in b["error"]["mensaje"],
        "la 51: 422 en español (%s %s)" % (st, b))
st, h, b = call("POST", "/api/vistas", "apoyo", body={"nombre": "Vista 07", "consulta": "orden=numero"})
t.check(st == 200, "reemplazar una con 50: 200")
st, h, b = call("POST", "/api/vistas", "director", body={"nombre": "La 51", "consulta": ""})
t.check(st == 201, "el límite es de cada usuario: otro guarda (201)")

print("6. sobreviven al reinicio")
saved = {k: vistas(k) for k in ("abogado", "abogado2", "apoyo", "director")}
A["proc"].terminate()
A["proc"].wait(timeout=10)
proc = t.start_serve(A["conf"], A["work"])
t.wait_healthz(B)
t.check({k: vistas(k) for k in saved} == saved, "tras reiniciar serve, cada uno tiene las mismas vistas")

print("7. una base del esquema 7 recibe la tabla")
proc.terminate()
proc.wait(timeout=10)
t.downgrade(A["db"], 7)
t.start_serve(A["conf"], A["work"])
t.wait_healthz(B)
t.check(q("PRAGMA user_version")[0][0] >= 8, "serve la lleva al esquema 8")
t.check(vistas() == [], "la tabla nueva está vacía")
st, h, b = call("POST", "/api/vistas", body={"nombre": "Otra vez", "consulta": "orden=fecha"})
t.check(st == 201 and nombres() == ["Otra vez"], "y guarda de nuevo")

t.finish()
