"""«Imagen» as a link (issue 13, item 11), over real HTTP against `segcont serve`: a mapping with
"imagen_url" (an http or https template with {numero}) gives GET /api/radicados/{numero} and the
write answers an "imagen_url" with the number percent-encoded; without the key there is none;
check-mapping refuses a template that is not http/https or lacks {numero}, in Spanish."""
import json
import os
import urllib.parse

import segtest as t

work = t.tmpdir("imagen-map")
TEMPLATE = "https://orfeo.example/bodega/{numero}?vista=1"


def mapping_file(name, template):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"base": os.path.abspath(t.FAKEDS_MAPPING), "imagen_url": template}, f)
    return path


print("1. check-mapping")
good = mapping_file("bueno.json", TEMPLATE)
rc, out, err = t.run_segcont("check-mapping", good)
t.check(rc == 0, "un mapeo con imagen_url https es válido (%d %s)" % (rc, err.strip()[-200:]))
for name, tpl, want in (("ftp.json", "ftp://orfeo.example/{numero}", "imagen_url: debe ser una dirección http:// o https://"),
                        ("js.json", "javascript:alert({numero})", "imagen_url: debe ser una dirección http:// o https://"),
                        ("sin.json", "https://orfeo.example/bodega/", "imagen_url: debe llevar {numero}")):
    rc, out, err = t.run_segcont("check-mapping", mapping_file(name, tpl))
    t.check(rc != 0 and want in err + out, "%s: rechazado con «%s» (%d %s)" % (name, want, rc, (err + out).strip()[-200:]))

print("2. la API con el mapeo")
env = t.start_api("api-imagen", days=10, per_day=4, document_system__mapping=good)
B, U = env["base"], env["users"]
DIR, APO = U["director"][1], U["apoyo"][1]
st, h, lst = t.api(B, "GET", "/api/radicados?por_pagina=5", token=DIR)
N = lst["radicados"][0]["numero"]
want = TEMPLATE.replace("{numero}", urllib.parse.quote(N, safe="-._~"))
st, h, b = t.api(B, "GET", "/api/radicados/" + N, token=DIR)
t.check(st == 200 and b.get("imagen_url") == want, "GET: imagen_url %s (%s)" % (want, b.get("imagen_url")))
t.check(b["radicado"]["numero"] == N and "sla" in b, "el resto de la respuesta sigue igual")
st, h, b = t.api(B, "PATCH", "/api/radicados/" + N, token=APO,
                 body={"version": b["seguimiento"]["version"], "numero_contrato": "CT-9"})
t.check(st == 200 and b.get("imagen_url") == want, "la respuesta de un PATCH también la trae")
t.check("imagen_url" not in lst["radicados"][0], "las filas de la lista no la traen")
t.stop_all()

print("3. sin la clave, no hay imagen_url")
env2 = t.start_api("api-imagen-sin", days=5, per_day=2)
st, h, lst = t.api(env2["base"], "GET", "/api/radicados?por_pagina=1", token=env2["users"]["director"][1])
st, h, b = t.api(env2["base"], "GET", "/api/radicados/" + lst["radicados"][0]["numero"],
                 token=env2["users"]["director"][1])
t.check(st == 200 and "imagen_url" not in b, "sin imagen_url en el mapeo, la respuesta no la trae")
t.stop_all()
t.finish()
