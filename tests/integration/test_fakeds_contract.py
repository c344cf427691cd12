#!/usr/bin/env python3
"""test_fakeds_contract.py -- checks that build/fakeds speaks the orfeo-soap profile byte for
byte as shared/ds-contract shows, that its dataset, control API and faults behave, and that each
quirk of real installations (--quirks) gives exactly the bytes such an installation sends.

Run from the repository root (tests/run.sh does): python3 tests/integration/test_fakeds_contract.py
Needs build/fakeds (make build/fakeds), or the binary named by FAKEDS_BIN. SEGCONT_SHARED names
the shared folder (default ../shared).
Python standard library only; every fakeds started here is stopped at the end."""

import datetime
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("SEGCONT_SHARED", os.path.join(ROOT, "..", "shared"))
CONTRACT = os.path.join(SHARED, "ds-contract")
FAKEDS = os.environ.get("FAKEDS_BIN", os.path.join(ROOT, "build", "fakeds"))  # e.g. an ASan build
SAMPLE_DATASET = os.path.join(ROOT, "tests", "data", "fakeds", "muestra.json")
SOAP_PATH = "/webServices/servidor.php"
ACTION_LIST = '"urn:orfeo#getRadicadosDependencia"'
ACTION_INFO = '"urn:orfeo#getInfoRadicado"'
START_TIMEOUT = 15.0   # seconds to wait for the port file
HTTP_TIMEOUT = 15.0    # seconds per request
TOTAL_BUDGET = 240.0   # seconds for the whole script
KEY = "CLAVE-DEL-SERVICIO"

STARTED = time.monotonic()
RUNNING = []
STARTED_IN_TEST = []
RESULTS = {"passed": 0, "failed": 0, "failures": []}


def contract(name):
    with open(os.path.join(CONTRACT, name), "rb") as f:
        return f.read()


class Fakeds:
    """One fakeds process on a free loopback port."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="fakeds-test-")
        self.port_file = os.path.join(self.dir, "port")
        self.out = open(os.path.join(self.dir, "stdout"), "wb")
        self.err = open(os.path.join(self.dir, "stderr"), "wb")
        cmd = [FAKEDS, "--port", "0", "--port-file", self.port_file, "--max-seconds", "300"]
        cmd += list(args)
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err,
                                     stdin=subprocess.DEVNULL)
        RUNNING.append(self)
        STARTED_IN_TEST.append(self)
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None:
                raise AssertionError("fakeds terminó al arrancar (%d): %s"
                                     % (self.proc.returncode, self.stderr()))
            if time.monotonic() > deadline:
                raise AssertionError("fakeds no escribió --port-file a tiempo")
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read().strip())

    def stderr(self):
        if not self.err.closed:
            self.err.flush()
        with open(os.path.join(self.dir, "stderr"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stdout(self):
        if not self.out.closed:
            self.out.flush()
        with open(os.path.join(self.dir, "stdout"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self in RUNNING:
            RUNNING.remove(self)
        if not self.out.closed:
            self.out.close()
            self.err.close()
        return self.proc.returncode

    def request(self, method, path, body=None, headers=None, timeout=HTTP_TIMEOUT):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def soap(self, body, action=None, timeout=HTTP_TIMEOUT):
        headers = {"Content-Type": "text/xml; charset=UTF-8"}
        if action is not None:
            headers["SOAPAction"] = action
        return self.request("POST", SOAP_PATH, body, headers, timeout)

    def control(self, method, path, obj=None, raw=None):
        body = raw if raw is not None else (None if obj is None else json.dumps(obj).encode())
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, data = self.request(method, path, body, headers)
        return status, json.loads(data.decode("utf-8"))


def list_request(dependencia, ini, fin, key=KEY):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
            '<SOAP-ENV:Body><ns1:getRadicadosDependencia xmlns:ns1="urn:orfeo">'
            '<dependencia>%s</dependencia><fechaIni>%s</fechaIni><fechaFin>%s</fechaFin>'
            '<key>%s</key></ns1:getRadicadosDependencia></SOAP-ENV:Body></SOAP-ENV:Envelope>\n'
            % (dependencia, ini, fin, key)).encode("utf-8")


def info_request(numero, key=KEY):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
            '<soap:Body><o:getInfoRadicado xmlns:o="urn:orfeo"><numRadicado>%s</numRadicado>'
            '<key>%s</key></o:getInfoRadicado></soap:Body></soap:Envelope>\n'
            % (numero, key)).encode("utf-8")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_list(body):
    """[(RADICADO, NUMHOJAS, RUTA, FECHARAD, ASUNTO)] of a list answer."""
    root = ET.fromstring(body)
    items = [e for e in root.iter() if local(e.tag) == "item"]
    return [tuple((c.text or "") for c in item) for item in items]


def parse_info(body):
    root = ET.fromstring(body)
    ret = [e for e in root.iter() if local(e.tag) == "return"][0]
    return [(local(c.tag), c.text or "") for c in ret]


def fault_string(body):
    root = ET.fromstring(body)
    return [e.text for e in root.iter() if local(e.tag) == "faultstring"][0]


def fecharad(iso):
    """Orfeo's FECHARAD from an ISO Bogotá time: dd-mm-yyyy hh:mm:ss AM|PM, 12-hour."""
    y, mo, d = iso[0:4], iso[5:7], iso[8:10]
    h, mi, s = int(iso[11:13]), iso[14:16], iso[17:19]
    h12 = 12 if h % 12 == 0 else h % 12
    return "%s-%s-%s %02d:%s:%s %s" % (d, mo, y, h12, mi, s, "AM" if h < 12 else "PM")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def equal_bytes(got, want, what):
    if got != want:
        i = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]),
                 min(len(got), len(want)))
        raise AssertionError("%s: difiere en el byte %d (obtenido %d bytes, esperado %d)\n"
                             "  obtenido: %r\n  esperado: %r"
                             % (what, i, len(got), len(want), got[max(0, i - 40):i + 40],
                                want[max(0, i - 40):i + 40]))


def test(fn):
    name = fn.__name__
    if time.monotonic() - STARTED > TOTAL_BUDGET:
        RESULTS["failed"] += 1
        RESULTS["failures"].append(name)
        print("FAIL %s: sin tiempo (presupuesto de %d s agotado)" % (name, TOTAL_BUDGET))
        return
    t0 = time.monotonic()
    STARTED_IN_TEST.clear()
    try:
        try:
            fn()
        finally:
            for p in list(RUNNING):
                p.stop()
        # Every fakeds must have ended cleanly (status 0: no crash, no sanitizer report).
        for p in STARTED_IN_TEST:
            if p.proc.returncode != 0:
                raise AssertionError("fakeds terminó con código %r:\n%s"
                                     % (p.proc.returncode, p.stderr()[-3000:]))
        RESULTS["passed"] += 1
        print("ok   %s (%.1fs)" % (name, time.monotonic() - t0))
    except Exception as e:  # noqa: BLE001 -- every failure is reported, then the next test runs
        RESULTS["failed"] += 1
        RESULTS["failures"].append(name)
        print("FAIL %s: %s" % (name, e))
        if not isinstance(e, AssertionError):
            traceback.print_exc()
    sys.stdout.flush()


# ---------------------------------------------------------------- the samples, byte for byte

def test_sample_list_and_info_byte_for_byte():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    want_list = contract("list-response.xml")
    status, headers, body = ds.soap(contract("list-request.xml"), ACTION_LIST)
    check(status == 200, "lista: estado %d" % status)
    check(headers.get("content-type") == "text/xml; charset=ISO-8859-1",
          "lista: Content-Type %r" % headers.get("content-type"))
    equal_bytes(body, want_list, "lista (list-response.xml)")
    status, headers, body = ds.soap(contract("info-request.xml"), ACTION_INFO)
    check(status == 200, "detalle: estado %d" % status)
    equal_bytes(body, contract("info-response.xml"), "detalle (info-response.xml)")
    # The operation is found without SOAPAction (first Body element) and unquoted.
    _, _, body = ds.soap(contract("list-request.xml"))
    equal_bytes(body, want_list, "lista sin SOAPAction")
    _, _, body = ds.soap(contract("info-request.xml"), "urn:orfeo#getInfoRadicado")
    equal_bytes(body, contract("info-response.xml"), "detalle con SOAPAction sin comillas")
    # A window of 31 days, both ends counted, is accepted and holds the same three.
    _, _, body = ds.soap(list_request("342", "2024/05/01", "2024/05/31"), ACTION_LIST)
    equal_bytes(body, want_list, "ventana de 31 días")


def test_sample_faults_byte_for_byte():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    status, headers, body = ds.soap(list_request("342", "2024/05/04", "2024/05/05"), ACTION_LIST)
    check(status == 500, "ventana vacía: estado %d, se espera 500" % status)
    check(headers.get("content-type") == "text/xml; charset=ISO-8859-1", "vacía: Content-Type")
    equal_bytes(body, contract("list-empty-fault.xml"), "ventana vacía (list-empty-fault.xml)")
    status, _, body = ds.soap(list_request("342", "2024/05/01", "2024/06/01"), ACTION_LIST)
    check(status == 500, "ventana de 32 días: estado %d" % status)
    equal_bytes(body, contract("list-range-fault.xml"), "32 días (list-range-fault.xml)")
    # Another dependency has nothing in the window.
    status, _, body = ds.soap(list_request("211", "2024/05/02", "2024/05/03"), ACTION_LIST)
    equal_bytes(body, contract("list-empty-fault.xml"), "otra dependencia")


def test_sample_bad_key():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    badkey = contract("info-badkey.xml")
    req = contract("info-request.xml").replace(b"CLAVE-DEL-SERVICIO", b"OTRA-CLAVE")
    status, _, body = ds.soap(req, ACTION_INFO)
    check(status == 200, "clave errada (detalle): estado %d, se espera 200" % status)
    equal_bytes(body, badkey, "clave errada (info-badkey.xml)")
    req = contract("list-request.xml").replace(b"CLAVE-DEL-SERVICIO", b"OTRA-CLAVE")
    status, _, body = ds.soap(req, ACTION_LIST)
    check(status == 200, "clave errada (lista): estado %d" % status)
    want = badkey.replace(b"getInfoRadicadoResponse", b"getRadicadosDependenciaResponse")
    equal_bytes(body, want, "clave errada en la lista")
    # A missing key is a wrong key.
    req = re.sub(rb"<key[^>]*>[^<]*</key>", b"", contract("info-request.xml"))
    _, _, body = ds.soap(req, ACTION_INFO)
    equal_bytes(body, badkey, "sin clave")


def test_sample_unknown_number_and_bad_requests():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    status, _, body = ds.soap(info_request("20249990000013"), ACTION_INFO)
    check(status == 200, "número desconocido: estado %d" % status)
    fields = parse_info(body)
    check(fields and fields[0] == ("RADI_NUME_RADI", ""), "desconocido: RADI_NUME_RADI no vacío")
    check(all(v == "" for _, v in fields), "desconocido: hay campos con valor: %r" % fields)
    known = [n for n, _ in parse_info(contract("info-response.xml"))]
    check([n for n, _ in fields] == known, "desconocido: campos distintos de info-response.xml")
    # Bad dates and reversed windows are Client faults with a Spanish message.
    for ini, fin in (("2024-05-02", "2024/05/03"), ("2024/02/30", "2024/03/01"),
                     ("2024/05/03", "2024/05/02"), ("ayer", "hoy")):
        status, _, body = ds.soap(list_request("342", ini, fin), ACTION_LIST)
        check(status == 500, "fechas %s-%s: estado %d" % (ini, fin, status))
        check(b"SOAP-ENV:Client" in body, "fechas %s-%s: no es un fault Client" % (ini, fin))
        check("fecha" in fault_string(body).lower(), "fechas: mensaje %r" % fault_string(body))
    # A DOCTYPE is refused and its entity never expanded.
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "CLAVE-DEL-SERVICIO">]>'
            b'<Envelope><Body><getInfoRadicado><numRadicado>20242110004873</numRadicado>'
            b'<key>&e;</key></getInfoRadicado></Body></Envelope>')
    status, _, body = ds.soap(evil, ACTION_INFO)
    check(status == 500 and b"SOAP-ENV:Client" in body, "DOCTYPE: no se rechazó (%d)" % status)
    check(b"DOCTYPE" in body and b"20242110004873" not in body, "DOCTYPE: respuesta %r" % body)
    status, _, body = ds.soap(b"<no-es-xml", ACTION_INFO)
    check(status == 500 and b"SOAP-ENV:Client" in body, "XML roto: estado %d" % status)
    status, _, body = ds.soap(b'<Envelope><Body><borrarTodo/></Body></Envelope>')
    check(status == 500 and b"SOAP-ENV:Client" in body, "operación desconocida: %d" % status)
    status, _, _ = ds.soap(b"<a>" + b"x" * (1024 * 1024 + 10) + b"</a>", ACTION_INFO)
    check(status == 413, "cuerpo de más de 1 MiB: estado %d, se espera 413" % status)
    status, headers, _ = ds.request("GET", SOAP_PATH)
    check(status == 405 and headers.get("allow") == "POST", "GET al servicio: %d" % status)
    status, _, _ = ds.request("GET", "/otra/cosa")
    check(status == 404, "ruta desconocida: %d" % status)


def test_sample_dump_round_trip():
    with open(SAMPLE_DATASET, encoding="utf-8") as f:
        want = json.load(f)["filings"]
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    status, dump = ds.control("GET", "/control/dump")
    check(status == 200, "dump: estado %d" % status)
    check(dump["filings"] == want, "el dump no reproduce el archivo cargado:\n%r" % dump)
    path = os.path.join(ds.dir, "otra.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(dump, f, ensure_ascii=False)
    again = Fakeds("--dataset", path)
    _, dump2 = again.control("GET", "/control/dump")
    check(dump2 == dump, "cargar el dump no da el mismo dump")


def test_utf8_encoding():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--encoding", "utf-8")
    status, headers, body = ds.soap(contract("list-request.xml"), ACTION_LIST)
    check(headers.get("content-type") == "text/xml; charset=UTF-8",
          "utf-8: Content-Type %r" % headers.get("content-type"))
    want = contract("list-response.xml").decode("latin-1").replace(
        'encoding="ISO-8859-1"', 'encoding="UTF-8"').encode("utf-8")
    equal_bytes(body, want, "lista en UTF-8")
    _, _, body = ds.soap(contract("info-request.xml"), ACTION_INFO)
    want = contract("info-response.xml").decode("latin-1").replace(
        'encoding="ISO-8859-1"', 'encoding="UTF-8"').encode("utf-8")
    equal_bytes(body, want, "detalle en UTF-8")


# ---------------------------------------------------------------- the generated dataset

def test_generated_dataset_is_deterministic():
    a = Fakeds("--seed", "7")
    b = Fakeds("--seed", "7")
    c = Fakeds("--seed", "8")
    _, da = a.control("GET", "/control/dump")
    _, db = b.control("GET", "/control/dump")
    _, dc = c.control("GET", "/control/dump")
    start = datetime.date(2024, 1, 2)
    weekdays = sum(1 for k in range(179)
                   if (start + datetime.timedelta(days=k)).weekday() < 5)  # to 2024-06-28
    check(len(da["filings"]) == weekdays * 20, "dump: %d radicados, se esperan %d (%d días "
          "hábiles x 20)" % (len(da["filings"]), weekdays * 20, weekdays))
    check(da == db, "la misma semilla dio dos dumps distintos")
    check(da != dc, "semillas distintas dieron el mismo dump")
    # The same seed also gives the same SOAP answers.
    req = list_request("342", "2024/03/01", "2024/03/31")
    equal_bytes(a.soap(req, ACTION_LIST)[2], b.soap(req, ACTION_LIST)[2], "lista, misma semilla")
    # A dump loaded with --dataset serves the same data and the same answers.
    path = os.path.join(a.dir, "dump.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(da, f, ensure_ascii=False)
    loaded = Fakeds("--dataset", path)
    _, dl = loaded.control("GET", "/control/dump")
    check(dl == da, "el dump generado no sobrevive a --dataset")
    equal_bytes(loaded.soap(req, ACTION_LIST)[2], a.soap(req, ACTION_LIST)[2], "lista tras --dataset")
    num = da["filings"][100]["numero"]
    equal_bytes(loaded.soap(info_request(num), ACTION_INFO)[2],
                a.soap(info_request(num), ACTION_INFO)[2], "detalle tras --dataset")


def test_generated_dataset_shape():
    ds = Fakeds("--seed", "3", "--from", "2024-01-02", "--to", "2024-06-28")
    _, dump = ds.control("GET", "/control/dump")
    filings = dump["filings"]
    n = len(filings)
    others = [f for f in filings if f["dependencia_actual"] != "342"]
    check(0.18 * n < len(others) < 0.32 * n, "otras dependencias: %d de %d" % (len(others), n))
    hours = [int(f["fecha_radicacion"][11:13]) for f in filings]
    check(any(h == 0 for h in hours), "ningún radicado entre 00:00 y 00:59")
    check(any(h == 12 for h in hours), "ningún radicado entre 12:00 y 12:59")
    check(any(f["fecha_radicacion"][11:16] > "16:30" for f in filings), "ninguno tras las 16:30")
    check({f["tipo_radicado"] for f in filings} == {"interna", "entrada"}, "tipos de radicado")
    check({f["estado_ds"] for f in filings} >= {"vigente", "anulacion_solicitada", "anulado"},
          "estados de anulación")
    check(len({f["tipo_documental"] for f in filings}) >= 5, "pocos tipos documentales")
    check(len({f["dependencia_origen"] for f in filings}) >= 8, "pocas áreas solicitantes")
    for f in filings:
        num = f["numero"]
        check(re.fullmatch(r"\d{14}", num), "número raro: %s" % num)
        check(num[:4] == f["fecha_radicacion"][:4], "año del número: %s" % num)
        check(num[4:7] == f["dependencia_origen"], "dependencia del número: %s" % num)
        check(num[-1] == {"interna": "3", "entrada": "2"}[f["tipo_radicado"]], "tipo: %s" % num)
    check(len({f["numero"] for f in filings}) == n, "números repetidos")
    text = " ".join(f["asunto"] for f in filings).lower()
    for word in ("contratación directa", "prestación de servicios profesionales",
                 "licitación pública", "selección abreviada", "concurso de méritos",
                 "mínima cuantía", "adición", "prórroga", "otrosí", "modificación", "cesión",
                 "suspensión", "liquidación", "terminación anticipada", "derecho de petición",
                 "certificación", "&", "<"):
        check(word in text, "ningún asunto contiene %r" % word)
    # dump?dependencia= filters on the current dependency.
    _, office = ds.control("GET", "/control/dump?dependencia=342")
    check(len(office["filings"]) == n - len(others), "dump?dependencia=342")
    # The office's list of a month equals what the dump says, in date then number order.
    status, _, body = ds.soap(list_request("342", "2024/04/01", "2024/04/30"), ACTION_LIST)
    check(status == 200, "lista de abril: %d" % status)
    want = [(f["numero"], str(f["folios"]), f["ruta"], fecharad(f["fecha_radicacion"]),
             f["asunto"]) for f in office["filings"]
            if "2024-04-01" <= f["fecha_radicacion"][:10] <= "2024-04-30"]
    got = parse_list(body)
    check(got == want, "lista de abril distinta del dump (%d vs %d items)" % (len(got), len(want)))
    check(b'arrayType="tns:datosRadicado[%d]"' % len(want) in body, "arrayType")
    check(b"12:" in body and b" AM<" in body and b" PM<" in body, "formato FECHARAD")
    for f in office["filings"]:
        if f["ruta"] == "":
            short = b'<RADICADO xsi:type="xsd:long">%s</RADICADO>' % f["numero"].encode()
            if short in body:
                nxt = body[body.index(short):].split(b"<FECHARAD", 1)[0]
                form = b'<RUTA xsi:type="xsd:string"/>' if f["ruta_nula"] else \
                    b'<RUTA xsi:type="xsd:string"></RUTA>'
                check(form in nxt, "forma de RUTA vacía de %s" % f["numero"])
    # Filings held elsewhere never appear in the office's list but answer getInfoRadicado.
    other = next(f for f in others if "2024-04-01" <= f["fecha_radicacion"][:10] <= "2024-04-30")
    check(other["numero"].encode() not in body, "un radicado de otra dependencia en la lista")
    _, _, body = ds.soap(info_request(other["numero"]), ACTION_INFO)
    info = dict(parse_info(body))
    check(info["RADI_NUME_RADI"] == other["numero"], "detalle de otra dependencia")
    check(info["RADI_DEPE_ACTU"] == other["dependencia_actual"], "RADI_DEPE_ACTU")
    check(info["RADI_FECH_RADI"] == other["fecha_db"], "RADI_FECH_RADI")
    check(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}-05", info["RADI_FECH_RADI"]),
          "formato de RADI_FECH_RADI")
    check(info["SGD_DIR_NOMBRE"] == other["dependencia_origen_nombre"], "SGD_DIR_NOMBRE")
    check(info["SGD_DIR_NOMREMDES"] == other["remitente"], "SGD_DIR_NOMREMDES")


def test_key_file_and_office_option():
    d = tempfile.mkdtemp(prefix="fakeds-key-")
    path = os.path.join(d, "ds.key")
    with open(path, "w") as f:
        f.write("  otra-clave-secreta \n")
    ds = Fakeds("--key-file", path, "--dependencia", "211", "--per-day", "5")
    status, _, body = ds.soap(list_request("211", "2024/03/01", "2024/03/29",
                                           key="otra-clave-secreta"), ACTION_LIST)
    check(status == 200 and b"datosRadicado[" in body, "lista con la clave del archivo: %d" % status)
    _, dump = ds.control("GET", "/control/dump")
    check(sum(f["dependencia_actual"] == "211" for f in dump["filings"]) > 0.6 * len(dump["filings"]),
          "--dependencia no cambió la dependencia de la oficina")
    _, _, body = ds.soap(list_request("211", "2024/03/01", "2024/03/29"), ACTION_LIST)
    check(b"<error " in body, "la clave por defecto no debería valer con --key-file")
    bad = subprocess.run([FAKEDS, "--port", "0", "--listen", "0.0.0.0", "--max-seconds", "5"],
                         capture_output=True, timeout=20)
    check(bad.returncode != 0 and b"loopback" in bad.stderr, "--listen 0.0.0.0 no se rechazó")


# ---------------------------------------------------------------- the control API

def test_control_changes_visible():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    window = list_request("342", "2024/05/02", "2024/05/03")
    status, new = ds.control("POST", "/control/add", {
        "fecha_radicacion": "2024-05-02 12:30:05", "asunto": "Cesión del contrato 4120000-77-2024",
        "dependencia_origen": "211", "folios": 4, "remitente": "José Luis Gómez Ávila"})
    check(status == 201, "add: %d %r" % (status, new))
    check(re.fullmatch(r"2024211\d{6}3", new["numero"]), "número generado: %s" % new["numero"])
    check(new["numero"] == "20242110004883", "siguiente secuencia: %s" % new["numero"])
    check(new["fecha_radicacion"] == "2024-05-02T12:30:05-05:00", "fecha_radicacion del nuevo")
    check(new["dependencia_origen_nombre"] == "Subdirección Financiera", "nombre por defecto")
    _, _, body = ds.soap(window, ACTION_LIST)
    got = [i[0] for i in parse_list(body)]
    check(got == ["20241300012213", new["numero"], "20242110004873", "20245100020112"],
          "lista tras add: %r" % got)
    check(b"04-05-2024" not in body and b"02-05-2024 12:30:05 PM" in body, "FECHARAD del nuevo")
    check(b"datosRadicado[4]" in body, "arrayType tras add")

    status, upd = ds.control("POST", "/control/update", {
        "numero": new["numero"], "asunto": "Prórroga <urgente> & adición", "sgd_eanu_codigo": "1"})
    check(status == 200 and upd["estado_ds"] == "anulacion_solicitada", "update: %r" % upd)
    _, _, body = ds.soap(info_request(new["numero"]), ACTION_INFO)
    check("Prórroga &lt;urgente&gt; &amp; adición".encode("latin-1") in body, "asunto escapado")
    check(dict(parse_info(body))["SGD_EANU_CODIGO"] == "1", "SGD_EANU_CODIGO tras update")

    status, _ = ds.control("POST", "/control/update", {"numero": new["numero"],
                                                        "dependencia_actual": "211"})
    check(status == 200, "update dependencia: %d" % status)
    _, _, body = ds.soap(window, ACTION_LIST)
    check(new["numero"].encode() not in body and b"datosRadicado[3]" in body,
          "sigue en la lista tras cambiar de dependencia")
    _, _, body = ds.soap(info_request(new["numero"]), ACTION_INFO)
    check(dict(parse_info(body))["RADI_DEPE_ACTU"] == "211", "detalle tras cambiar dependencia")

    status, _ = ds.control("POST", "/control/update", {"numero": "20241300012213",
                                                        "fecha_radicacion": "2024-05-10T08:00:00-05:00"})
    check(status == 200, "update fecha: %d" % status)
    _, _, body = ds.soap(window, ACTION_LIST)
    check(b"20241300012213" not in body, "cambio de fecha no visible")

    status, _ = ds.control("POST", "/control/remove", {"numero": new["numero"]})
    check(status == 200, "remove: %d" % status)
    _, _, body = ds.soap(info_request(new["numero"]), ACTION_INFO)
    check(dict(parse_info(body))["RADI_NUME_RADI"] == "", "detalle tras remove no vacío")
    status, err = ds.control("POST", "/control/remove", {"numero": new["numero"]})
    check(status == 404 and "error" in err, "remove repetido: %d" % status)
    status, err = ds.control("POST", "/control/update", {"numero": "20240000000003", "folios": 2})
    check(status == 404 and "error" in err, "update desconocido: %d" % status)
    status, _ = ds.control("POST", "/control/add", {"numero": "20242110004873",
                                                     "fecha_radicacion": "2024-05-02 10:00:00"})
    check(status == 409, "add repetido: %d" % status)


def test_control_bad_input():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    cases = [
        ("POST", "/control/add", {"asunto": "sin fecha"}),
        ("POST", "/control/add", {"fecha_radicacion": "02/05/2024", "asunto": "x"}),
        ("POST", "/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "color": "rojo"}),
        ("POST", "/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "folios": "tres"}),
        ("POST", "/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "numero": "12ab"}),
        ("POST", "/control/add", {"fecha_radicacion": "2024-05-02 10:00:00",
                                  "sgd_eanu_codigo": "7"}),
        ("POST", "/control/add", {"fecha_radicacion": "2024-05-02 10:00:00",
                                  "asunto": "con \u0001 control"}),
        ("POST", "/control/update", {"asunto": "sin número"}),
        ("POST", "/control/update", {"numero": "20242110004873", "tipo_radicado": "salida"}),
        ("POST", "/control/faults", {"rate": 2}),
        ("POST", "/control/faults", {"kinds": ["terremoto"]}),
        ("POST", "/control/remove", [1, 2]),
    ]
    for method, path, obj in cases:
        status, body = ds.control(method, path, obj)
        check(status == 400 and isinstance(body.get("error"), str),
              "%s %s %r: %d %r" % (method, path, obj, status, body))
    status, body = ds.control("POST", "/control/add", raw=b"{no es json")
    check(status == 400 and "error" in body, "JSON inválido: %d" % status)
    status, body = ds.control("GET", "/control/dump?dependencia=abc")
    check(status == 400, "dependencia inválida: %d" % status)
    status, body = ds.control("GET", "/control/add")
    check(status == 405, "GET /control/add: %d" % status)
    status, body = ds.control("GET", "/control/nada")
    check(status == 404, "ruta de control desconocida: %d" % status)
    _, dump = ds.control("GET", "/control/dump")
    check(len(dump["filings"]) == 3, "una petición rechazada cambió los datos")


# ---------------------------------------------------------------- faults

def set_faults(ds, **cfg):
    status, body = ds.control("POST", "/control/faults", cfg)
    check(status == 200, "faults %r: %d %r" % (cfg, status, body))
    return body


def test_each_fault_kind():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    req = contract("list-request.xml")
    want = contract("list-response.xml")

    set_faults(ds, rate=1, kinds=["delay"], delay_ms=400)
    t0 = time.monotonic()
    status, _, body = ds.soap(req, ACTION_LIST)
    check(time.monotonic() - t0 >= 0.38, "delay: respondió en %.2fs" % (time.monotonic() - t0))
    equal_bytes(body, want, "delay: la respuesta tras la espera")

    set_faults(ds, kinds=["reset"])
    try:
        status, _, body = ds.soap(req, ACTION_LIST)
        raise AssertionError("reset: llegó una respuesta %d" % status)
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine,
            BrokenPipeError):
        pass

    set_faults(ds, kinds=["http500"])
    status, headers, body = ds.soap(req, ACTION_LIST)
    check(status == 500 and body == b"Internal Server Error" and
          headers["content-type"].startswith("text/plain"), "http500: %d %r" % (status, body))

    set_faults(ds, kinds=["http503"])
    status, headers, body = ds.soap(req, ACTION_LIST)
    check(status == 503 and headers.get("retry-after") == "1", "http503: %d %r" % (status, headers))

    set_faults(ds, kinds=["html"])
    status, headers, body = ds.soap(req, ACTION_LIST)
    check(status == 200 and headers["content-type"].startswith("text/html") and
          b"<b>Fatal error</b>" in body, "html: %d %r" % (status, body[:80]))

    set_faults(ds, kinds=["truncated"])
    status, headers, body = ds.soap(req, ACTION_LIST)
    check(status == 200 and body == want[:len(want) // 2] and
          headers.get("content-length") == str(len(want) // 2), "truncated: %d bytes" % len(body))

    set_faults(ds, kinds=["malformed"])
    status, _, body = ds.soap(req, ACTION_LIST)
    check(status == 200 and body != want, "malformed: %d" % status)
    try:
        ET.fromstring(body)
        raise AssertionError("malformed: el XML se pudo leer")
    except ET.ParseError:
        pass

    set_faults(ds, kinds=["badkey"])
    status, _, body = ds.soap(contract("info-request.xml"), ACTION_INFO)
    equal_bytes(body, contract("info-badkey.xml"), "badkey")

    # Control is never faulted; the counters saw one of each.
    set_faults(ds, kinds=["reset"])
    status, stats = ds.control("GET", "/control/stats")
    check(status == 200, "stats bajo fallas: %d" % status)
    check(stats["faults_by_kind"] == {k: 1 for k in ("delay", "reset", "http500", "http503",
                                                     "html", "truncated", "malformed", "badkey")},
          "faults_by_kind: %r" % stats["faults_by_kind"])
    check(stats["requests"] == 8 and stats["faults"] == 8 and stats["list_requests"] == 7 and
          stats["info_requests"] == 1, "stats: %r" % stats)
    set_faults(ds, rate=0)
    equal_bytes(ds.soap(req, ACTION_LIST)[2], want, "rate 0 apaga las fallas")


def fault_sequence(ds, n):
    out = []
    for _ in range(n):
        status, _, _ = ds.soap(contract("info-request.xml"), ACTION_INFO)
        out.append(status)
    return out


def test_faults_deterministic_and_from_cli():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--fault-rate", "0.5", "--faults", "http500,http503",
                "--fault-seed", "7")
    first = fault_sequence(ds, 24)
    check({200, 500, 503} <= set(first), "secuencia sin mezcla: %r" % first)
    set_faults(ds, seed=7)
    check(fault_sequence(ds, 24) == first, "la misma semilla no repitió la secuencia")
    other = Fakeds("--dataset", SAMPLE_DATASET, "--fault-rate", "0.5", "--faults",
                   "http500,http503", "--fault-seed", "7")
    check(fault_sequence(other, 24) == first, "otro proceso con la misma semilla difiere")
    _, cfg = ds.control("GET", "/control/faults")
    check(cfg["rate"] == 0.5 and sorted(cfg["kinds"]) == ["http500", "http503"], "config %r" % cfg)


def test_delay_does_not_block_and_stops_cleanly():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--fault-rate", "1", "--faults", "delay")
    # Default delay is 30 s: a waiting SOAP call must not hold the control API or shutdown.
    result = {}

    def slow():
        try:
            result["r"] = ds.soap(contract("list-request.xml"), ACTION_LIST, timeout=60)
        except Exception as e:  # noqa: BLE001 -- the connection is expected to drop
            result["e"] = e

    t = threading.Thread(target=slow, daemon=True)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    status, _ = ds.control("GET", "/control/stats")
    check(status == 200 and time.monotonic() - t0 < 1.0, "control bloqueado por un delay")
    t0 = time.monotonic()
    rc = ds.stop()
    check(rc == 0, "SIGTERM durante un delay: código %r" % rc)
    check(time.monotonic() - t0 < 5.0, "SIGTERM tardó %.1fs" % (time.monotonic() - t0))
    t.join(10)
    check("r" not in result, "el delay respondió pese a detenerse")
    check(re.search(r"^fakeds: escuchando en http://127\.0\.0\.1:%d$" % ds.port, ds.stdout(), re.M),
          "línea de arranque: %r" % ds.stdout())
    check(not os.path.exists(ds.port_file), "--port-file quedó tras terminar")


def test_max_seconds():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--max-seconds", "1")
    try:
        rc = ds.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError("--max-seconds 1 no terminó el proceso")
    check(rc == 0, "--max-seconds: código %d" % rc)


# ---------------------------------------------------------------- quirks of real installations

DNP_NS = "https://orfeo.dnp.gov.co/webServices"
EMPTY_ESTRUCTURA = b'<return xsi:type="tns:Estructura"></return>'


def sample_exchanges():
    """(request, SOAPAction, sample answer) of the list, the detail and the empty window."""
    return ((contract("list-request.xml"), ACTION_LIST, "list-response.xml"),
            (contract("info-request.xml"), ACTION_INFO, "info-response.xml"),
            (list_request("342", "2024/05/04", "2024/05/05"), ACTION_LIST,
             "list-empty-fault.xml"))


def raw_soap(port, body, action=None, timeout=5.0):
    """One SOAP request on a raw socket, read until the server closes the connection (a
    kept-alive one fails on the timeout). Returns (status, headers, body) exactly as they
    arrived: the body is every byte after the headers, whatever Content-Length said."""
    head = ["POST %s HTTP/1.1" % SOAP_PATH, "Host: 127.0.0.1:%d" % port,
            "Content-Type: text/xml; charset=UTF-8", "Content-Length: %d" % len(body)]
    if action is not None:
        head.append("SOAPAction: " + action)
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    chunks = []
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body)
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                raise AssertionError("el servidor no cerró la conexión en %.0f s" % timeout)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sock.close()
    head, _, data = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return int(lines[0].split()[1]), headers, data


def without_declaration(doc):
    """A sample without its first line (the XML declaration and its newline)."""
    check(doc.startswith(b"<?xml "), "la muestra no empieza con la declaración")
    return doc.split(b"\n", 1)[1]


def byte_extra(doc):
    """What a client reads of doc (a sample: ends with '>' and a newline) from an installation
    that prints a stray newline first: "\\n", then doc without its final newline and '>'."""
    check(doc.endswith(b">\n"), "la muestra no termina en '>' y salto de línea")
    return b"\n" + doc[:-2]


def sample_fault(code, text):
    """list-empty-fault.xml with another faultcode and faultstring (the same envelope)."""
    doc = contract("list-empty-fault.xml")
    check(doc.count(b">SOAP-ENV:Server<") == 1 and doc.count(b">No se hallaron registros<") == 1,
          "la muestra list-empty-fault.xml cambió")
    return doc.replace(b">SOAP-ENV:Server<", b">%s<" % code).replace(
        b">No se hallaron registros<", b">%s<" % text.encode("latin-1"))


def punto_final_empty():
    return sample_fault(b"Server", "No se hallaron registros.")


def without_elements(doc, names):
    """doc without one element of each name (each must be there exactly once)."""
    for name in names:
        doc, n = re.subn(rb"<%s[ >][^<]*</%s>" % (name, name), b"", doc)
        check(n == 1, "la muestra no tiene un solo %s" % name.decode())
    return doc


def set_quirks(ds, names):
    status, body = ds.control("POST", "/control/quirks", {"quirks": names})
    check(status == 200, "quirks %r: %d %r" % (names, status, body))
    return body["quirks"]


def generated_list(dump, month, key):
    """The dump's filings of a month (YYYY-MM) that key(f) keeps, as parse_list gives them."""
    return [(f["numero"], str(f["folios"]), f["ruta"], fecharad(f["fecha_radicacion"]), f["asunto"])
            for f in dump["filings"] if f["fecha_radicacion"][:7] == month and key(f)]


def test_quirk_punto_final():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "punto-final")
    status, headers, body = ds.soap(list_request("342", "2024/05/04", "2024/05/05"), ACTION_LIST)
    check(status == 500, "ventana vacía: estado %d" % status)
    equal_bytes(body, punto_final_empty(), "ventana vacía con punto-final")
    # A reversed window is not checked by Orfeo: its query just finds nothing.
    _, _, body = ds.soap(list_request("342", "2024/05/03", "2024/05/02"), ACTION_LIST)
    equal_bytes(body, punto_final_empty(), "ventana invertida con punto-final")
    for ini, fin in (("2024-05-02", "2024/05/03"), ("2024/02/30", "2024/03/01"),
                     ("2024/05/02", "ayer")):
        status, _, body = ds.soap(list_request("342", ini, fin), ACTION_LIST)
        check(status == 500, "fecha %s-%s: estado %d" % (ini, fin, status))
        equal_bytes(body, sample_fault(b"Client", "Formato no valido."),
                    "fecha inválida %s-%s con punto-final" % (ini, fin))
    for name in (b"fechaFin", b"dependencia"):
        req = without_elements(contract("list-request.xml"), [name])
        status, _, body = ds.soap(req, ACTION_LIST)
        check(status == 500, "sin %s: estado %d" % (name.decode(), status))
        equal_bytes(body, sample_fault(b"Client", "Faltan datos basicos."),
                    "sin %s" % name.decode())
    status, _, body = ds.soap(list_request("342", "2024/05/01", "2024/06/01"), ACTION_LIST)
    equal_bytes(body, sample_fault(b"Client", "Rango de fechas superior a 31 días"),
                "32 días con punto-final")
    # nusoap's own faults (not XML, unknown operation) keep their SOAP-ENV: prefix.
    status, _, body = ds.soap(b"<no-es-xml", ACTION_INFO)
    check(status == 500 and b">SOAP-ENV:Client<" in body,
          "XML roto con punto-final: %r" % body[-200:])
    equal_bytes(ds.soap(contract("list-request.xml"), ACTION_LIST)[2],
                contract("list-response.xml"), "la lista no cambia con punto-final")


def test_quirk_sin_declaracion():
    for encoding, want_of in (
            ("iso-8859-1", lambda doc: without_declaration(doc)),
            ("utf-8", lambda doc: without_declaration(doc).decode("latin-1").encode("utf-8"))):
        ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "sin-declaracion",
                    "--encoding", encoding)
        for req, action, sample in sample_exchanges():
            _, headers, body = ds.soap(req, action)
            check(headers.get("content-type") == "text/xml; charset=ISO-8859-1",
                  "%s: Content-Type %r" % (encoding, headers.get("content-type")))
            check(body.startswith(b"<SOAP-ENV:Envelope ") and b"<?xml" not in body,
                  "%s: el cuerpo trae declaración: %r" % (encoding, body[:60]))
            equal_bytes(body, want_of(contract(sample)),
                        "%s sin declaración (%s)" % (encoding, sample))
        ds.stop()


def test_encoding_windows_1252():
    ds = Fakeds("--seed", "4", "--encoding", "windows-1252")
    _, dump = ds.control("GET", "/control/dump")
    subjects = " ".join(f["asunto"] for f in dump["filings"])
    check("–" in subjects and "“" in subjects and "”" in subjects,
          "el conjunto generado no tiene – “ ” en los asuntos")
    req = list_request("342", "2024/04/01", "2024/04/30")
    status, headers, body = ds.soap(req, ACTION_LIST)
    check(status == 200, "lista de abril: %d" % status)
    check(headers.get("content-type") == "text/xml; charset=windows-1252",
          "Content-Type %r" % headers.get("content-type"))
    check(body.startswith(b'<?xml version="1.0" encoding="windows-1252"?>\n<SOAP-ENV:Envelope '),
          "declaración: %r" % body[:60])
    check(b"\x96" in body or (b"\x93" in body and b"\x94" in body), "sin bytes 0x96/0x93/0x94")
    check(b"&#8211;" not in body and b"&#8220;" not in body,
          "– o “ como referencias en windows-1252")
    want = generated_list(dump, "2024-04", lambda f: f["dependencia_actual"] == "342")
    check(parse_list(body) == want, "la lista en windows-1252 no es la del dump")
    with_declaration = body
    # ISO-8859-1 has no – “ ”: the same list writes them as references.
    latin = Fakeds("--seed", "4")
    _, _, body = latin.soap(req, ACTION_LIST)
    check(b"&#8211;" in body or b"&#8220;" in body, "ISO-8859-1 sin referencias &#8211;/&#8220;")
    check(parse_list(body) == want, "la lista en ISO-8859-1 no es la del dump")
    latin.stop()
    # Outside windows-1252 (≥, Ω, a C1 control): numeric references; – “ ” €: its bytes.
    status, new = ds.control("POST", "/control/add", {
        "fecha_radicacion": "2024-05-06 10:00:00",
        "asunto": "Cuantía ≥ 10 – “urgente” € Ω \u0085 ñ"})
    check(status == 201, "add: %d %r" % (status, new))
    _, _, body = ds.soap(list_request("342", "2024/05/06", "2024/05/06"), ACTION_LIST)
    check("<ASUNTO xsi:type=\"xsd:string\">Cuantía &#8805; 10 \x96 \x93urgente\x94 \x80 &#937; "
          "&#133; ñ</ASUNTO>".encode("latin-1") in body, "bytes de windows-1252 del asunto nuevo")
    ds.stop()
    # sin-declaracion: the same bytes, no declaration, and the header still says ISO-8859-1.
    ds = Fakeds("--seed", "4", "--encoding", "windows-1252", "--quirks", "sin-declaracion")
    status, headers, body = ds.soap(req, ACTION_LIST)
    check(headers.get("content-type") == "text/xml; charset=ISO-8859-1",
          "sin-declaracion: Content-Type %r" % headers.get("content-type"))
    check(body.startswith(b"<SOAP-ENV:Envelope ") and b"<?xml" not in body,
          "sin-declaracion: %r" % body[:60])
    check(b"\x96" in body or (b"\x93" in body and b"\x94" in body),
          "sin-declaracion: sin bytes 0x96/0x93/0x94")
    equal_bytes(body, without_declaration(with_declaration), "windows-1252 sin declaración")
    check(parse_list(body.decode("cp1252").encode("utf-8")) == want,
          "leída como windows-1252, la lista no es la del dump")


def test_quirk_byte_extra():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "byte-extra")
    for req, action, sample in sample_exchanges():
        status, headers, body = raw_soap(ds.port, req, action)
        check(status == (500 if "fault" in sample else 200), "%s: estado %d" % (sample, status))
        check(headers.get("connection", "").lower() == "close",
              "%s: sin Connection: close" % sample)
        check(headers.get("content-length") == str(len(body)),
              "%s: Content-Length %r, llegaron %d bytes"
              % (sample, headers.get("content-length"), len(body)))
        check(body.startswith(b"\n<?xml ") and body.endswith(b"</SOAP-ENV:Envelope"),
              "%s: empieza %r, termina %r" % (sample, body[:8], body[-12:]))
        equal_bytes(body, byte_extra(contract(sample)), "byte-extra (%s)" % sample)
    # http.client reads the same within Content-Length; the injected faults still apply.
    set_faults(ds, rate=1, kinds=["truncated"])
    want = byte_extra(contract("list-response.xml"))
    status, headers, body = ds.soap(contract("list-request.xml"), ACTION_LIST)
    check(body == want[:len(want) // 2], "truncated con byte-extra: %d bytes" % len(body))
    set_faults(ds, rate=0)
    # With sin-declaracion the envelope follows the newline at once.
    set_quirks(ds, ["byte-extra", "sin-declaracion"])
    _, _, body = raw_soap(ds.port, contract("list-request.xml"), ACTION_LIST)
    equal_bytes(body, byte_extra(without_declaration(contract("list-response.xml"))),
                "byte-extra y sin-declaracion")


def test_quirk_lista_sin_clave():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "lista-sin-clave")
    wrong = contract("list-request.xml").replace(b"CLAVE-DEL-SERVICIO", b"OTRA-CLAVE")
    missing = without_elements(contract("list-request.xml"), [b"key"])
    for req, what in ((wrong, "clave errada"), (missing, "sin clave")):
        status, _, body = ds.soap(req, ACTION_LIST)
        check(status == 200, "lista con %s: estado %d" % (what, status))
        equal_bytes(body, contract("list-response.xml"), "lista con %s" % what)
    # The detail still checks the key.
    req = contract("info-request.xml").replace(b"CLAVE-DEL-SERVICIO", b"OTRA-CLAVE")
    equal_bytes(ds.soap(req, ACTION_INFO)[2], contract("info-badkey.xml"),
                "detalle con clave errada")


def test_quirk_sin_limite():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "sin-limite")
    for ini, fin in (("2024/05/01", "2024/06/01"), ("2023/01/01", "2025/12/31")):
        status, _, body = ds.soap(list_request("342", ini, fin), ACTION_LIST)
        check(status == 200, "ventana %s-%s: estado %d" % (ini, fin, status))
        equal_bytes(body, contract("list-response.xml"), "ventana %s-%s sin límite" % (ini, fin))
    gen = Fakeds("--seed", "4", "--quirks", "sin-limite")
    _, office = gen.control("GET", "/control/dump?dependencia=342")
    status, _, body = gen.soap(list_request("342", "2024/01/01", "2024/06/30"), ACTION_LIST)
    check(status == 200 and b"datosRadicado[%d]" % len(office["filings"]) in body,
          "semestre completo: %d radicados esperados" % len(office["filings"]))


def test_quirk_lista_por_numero():
    ds = Fakeds("--seed", "4", "--quirks", "lista-por-numero")
    _, dump = ds.control("GET", "/control/dump")
    status, _, body = ds.soap(list_request("211", "2024/04/01", "2024/04/30"), ACTION_LIST)
    check(status == 200, "lista por número de 211: %d" % status)
    got = parse_list(body)
    want = sorted(generated_list(dump, "2024-04",
                                 lambda f: f["numero"][4:7] == "211" and f["ruta"] == ""),
                  key=lambda item: int(item[0]))
    check(got and got == want,
          "lista por número distinta del dump (%d vs %d)" % (len(got), len(want)))
    check(all(n[4:7] == "211" and ruta == "" for n, _, ruta, _, _ in got),
          "un radicado ajeno o con imagen")
    by_num = {f["numero"]: f for f in dump["filings"]}
    listed = [by_num[item[0]] for item in got]
    check(any(f["dependencia_actual"] != "211" for f in listed),
          "ninguno tenido por otra dependencia")
    check({f["ruta_nula"] for f in listed} == {True, False}, "RUTA vacía y NULL, no ambas")
    held = [f for f in dump["filings"] if f["dependencia_actual"] == "211"
            and f["fecha_radicacion"][:7] == "2024-04" and f["numero"][4:7] != "211"]
    check(held and not any(f["numero"].encode() in body for f in held),
          "un radicado tenido por 211 con otro número salió en la lista")
    imaged = [f for f in dump["filings"] if f["numero"][4:7] == "211" and f["ruta"] != ""
              and f["fecha_radicacion"][:7] == "2024-04"]
    check(imaged and not any(f["numero"].encode() in body for f in imaged),
          "uno con imagen en la lista")
    # No number carries the office itself, nor a 4-digit code at characters 5-7.
    for dep in ("342", "2110"):
        status, _, body = ds.soap(list_request(dep, "2024/04/01", "2024/04/30"), ACTION_LIST)
        equal_bytes(body, contract("list-empty-fault.xml"), "lista por número de %s" % dep)


def test_quirk_clave_vacia():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "clave-vacia")
    want = without_elements(contract("info-badkey.xml"), [b"error"])
    check(EMPTY_ESTRUCTURA in want, "info-badkey.xml sin error no da la Estructura vacía")
    for req, what in (
            (contract("info-request.xml").replace(b"CLAVE-DEL-SERVICIO", b"OTRA-CLAVE"),
             "clave errada"),
            (without_elements(contract("info-request.xml"), [b"key"]), "sin clave"),
            (info_request("20249990000013"), "número desconocido")):
        status, _, body = ds.soap(req, ACTION_INFO)
        check(status == 200, "detalle con %s: estado %d" % (what, status))
        equal_bytes(body, want, "detalle con %s" % what)
    equal_bytes(ds.soap(contract("info-request.xml"), ACTION_INFO)[2],
                contract("info-response.xml"), "detalle con la clave buena")
    # The list still reports a wrong key (lista-sin-clave is another switch).
    req = contract("list-request.xml").replace(b"CLAVE-DEL-SERVICIO", b"OTRA-CLAVE")
    equal_bytes(ds.soap(req, ACTION_LIST)[2], contract("info-badkey.xml").replace(
        b"getInfoRadicadoResponse", b"getRadicadosDependenciaResponse"), "lista con clave errada")


def test_quirk_detalle_real():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "detalle-real")
    want = without_elements(contract("info-response.xml"),
                            [b"RADI_PATH", b"SGD_EANU_CODIGO", b"SGD_OEM_CODIGO", b"SGD_CIU_CODIGO",
                             b"SGD_DIR_DOC"])
    want = want.replace(b">2024-05-02 16:51:40.318274-05<", b">2024-05-02 16:51:40<").replace(
        ">Subdirección Financiera</SGD_DIR_NOMBRE>".encode("latin-1"),
        ">María Fernanda</SGD_DIR_NOMBRE>".encode("latin-1"))
    status, _, body = ds.soap(contract("info-request.xml"), ACTION_INFO)
    check(status == 200, "detalle: %d" % status)
    equal_bytes(body, want, "detalle-real de 20242110004873")
    # An empty '' path is a value, not a NULL: RADI_PATH stays.
    info = dict(parse_info(ds.soap(info_request("20241300012213"), ACTION_INFO)[2]))
    check("RADI_PATH" in info and info["RADI_PATH"] == "", "RADI_PATH '' desapareció")
    check(info["SGD_DIR_NOMBRE"] == "Jorge Iván", "SGD_DIR_NOMBRE %r" % info["SGD_DIR_NOMBRE"])
    # Given names: the first two words of four or more, else the first; none, no element.
    for remitente, given in (("José Gómez Ávila", "José"),
                             ("Luz Ángela Díaz Beltrán", "Luz Ángela"), ("", None)):
        status, new = ds.control("POST", "/control/add", {
            "fecha_radicacion": "2024-05-06 10:00:00", "remitente": remitente, "email": ""})
        check(status == 201, "add: %d %r" % (status, new))
        info = dict(parse_info(ds.soap(info_request(new["numero"]), ACTION_INFO)[2]))
        check(info.get("SGD_DIR_NOMBRE") == given,
              "nombres de %r: %r" % (remitente, info.get("SGD_DIR_NOMBRE")))
        check("SGD_DIR_MAIL" not in info and "SGD_EANU_CODIGO" not in info,
              "columnas NULL escritas")
        check(("SGD_DIR_NOMREMDES" in info) == (remitente != ""),
              "SGD_DIR_NOMREMDES vacío escrito")
    # An unknown number is a row of NULLs: an empty Estructura.
    _, _, body = ds.soap(info_request("20249990000013"), ACTION_INFO)
    check(EMPTY_ESTRUCTURA in body, "número desconocido: %r" % body[-200:])
    # The list writes a NULL RUTA with xsi:nil; an empty '' one as before.
    want = contract("list-response.xml").replace(b'<RUTA xsi:type="xsd:string"/>',
                                                 b'<RUTA xsi:nil="true" xsi:type="xsd:string"/>')
    equal_bytes(ds.soap(contract("list-request.xml"), ACTION_LIST)[2], want,
                "lista con detalle-real")


def test_namespace_option():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--namespace", DNP_NS)
    ns = b'"' + DNP_NS.encode() + b'"'
    for req, action, sample in sample_exchanges():
        want = contract(sample).replace(b'"urn:orfeo"', ns)
        check(want.count(ns) == (1 if "fault" in sample else 2), "%s: namespaces" % sample)
        equal_bytes(ds.soap(req, action)[2], want, "--namespace (%s)" % sample)
    # A request in that namespace is read the same (parameters go by local name).
    req = contract("info-request.xml").replace(b'"urn:orfeo"', ns)
    equal_bytes(ds.soap(req, None)[2], contract("info-response.xml").replace(b'"urn:orfeo"', ns),
                "petición con el namespace del DNP")
    for bad in ('urn:"x"', "", "urn:a b", "urn:<x>"):
        p = subprocess.run([FAKEDS, "--port", "0", "--namespace", bad, "--max-seconds", "5"],
                           capture_output=True, timeout=20)
        check(p.returncode == 2 and b"--namespace" in p.stderr,
              "--namespace %r: %d" % (bad, p.returncode))


def test_quirks_real_shorthand():
    ds = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "real")
    _, cfg = ds.control("GET", "/control/quirks")
    check(cfg == {"quirks": ["punto-final", "sin-declaracion", "byte-extra", "lista-sin-clave",
                             "sin-limite", "clave-vacia", "detalle-real"]}, "real: %r" % cfg)
    status, headers, body = raw_soap(ds.port, list_request("342", "2024/05/04", "2024/05/05"),
                                     ACTION_LIST)
    check(status == 500 and headers.get("content-type") == "text/xml; charset=ISO-8859-1",
          "vacía con real: %d %r" % (status, headers))
    equal_bytes(body, byte_extra(without_declaration(punto_final_empty())),
                "ventana vacía con real")
    # Wrong key, 40 days: listed anyway; a NULL RUTA with xsi:nil.
    req = list_request("342", "2024/04/20", "2024/05/30", key="OTRA")
    status, headers, body = raw_soap(ds.port, req, ACTION_LIST)
    want = without_declaration(contract("list-response.xml")).replace(
        b'<RUTA xsi:type="xsd:string"/>', b'<RUTA xsi:nil="true" xsi:type="xsd:string"/>')
    check(status == 200 and headers.get("content-length") == str(len(body)),
          "lista con real: %d" % status)
    equal_bytes(body, byte_extra(want), "lista con real")
    status, _, body = raw_soap(ds.port, info_request("20242110004873", key="OTRA"), ACTION_INFO)
    empty = without_elements(without_declaration(contract("info-badkey.xml")), [b"error"])
    check(EMPTY_ESTRUCTURA in empty, "info-badkey.xml sin error no da la Estructura vacía")
    equal_bytes(body, byte_extra(empty), "detalle con clave errada y real")


def test_quirks_control_and_cli():
    ds = Fakeds("--dataset", SAMPLE_DATASET)
    status, cfg = ds.control("GET", "/control/quirks")
    check(status == 200 and cfg == {"quirks": []}, "por defecto: %r" % cfg)
    got = set_quirks(ds, ["detalle-real", "punto-final"])
    check(got == ["punto-final", "detalle-real"], "POST: %r" % got)
    check(ds.control("GET", "/control/quirks")[1] == {"quirks": got}, "GET tras POST")
    equal_bytes(ds.soap(list_request("342", "2024/05/04", "2024/05/05"), ACTION_LIST)[2],
                punto_final_empty(), "punto-final puesto en caliente")
    check(set_quirks(ds, ["real", "lista-por-numero"]) == ["punto-final", "sin-declaracion",
                                                           "byte-extra", "lista-sin-clave",
                                                           "sin-limite", "lista-por-numero",
                                                           "clave-vacia", "detalle-real"],
          "real y lista-por-numero")
    before = ds.control("GET", "/control/quirks")[1]
    for bad in ({"quirks": ["inventada"]}, {"quirks": "real"}, {}, {"quirks": [], "otro": 1},
                {"quirks": [1]}, {"quirks": ["real", ""]}, [1]):
        status, body = ds.control("POST", "/control/quirks", bad)
        check(status == 400 and isinstance(body.get("error"), str),
              "POST %r: %d %r" % (bad, status, body))
    status, body = ds.control("POST", "/control/quirks", {"quirks": ["punto-final", "inventada"]})
    check("inventada" in body.get("error", ""), "el error no nombra la desconocida: %r" % body)
    check(ds.control("GET", "/control/quirks")[1] == before,
          "un POST rechazado cambió las particularidades")
    status, _ = ds.control("PUT", "/control/quirks", {"quirks": []})
    check(status == 405, "PUT /control/quirks: %d" % status)
    check(set_quirks(ds, []) == [], "vaciar")
    equal_bytes(ds.soap(contract("list-request.xml"), ACTION_LIST)[2],
                contract("list-response.xml"), "sin particularidades, la muestra otra vez")
    # The command line: unknown names exit 2 naming the bad one; "" is none.
    for arg, name in (("punto-final,inventada", b"inventada"),
                      ("punto-final,", "«»".encode("utf-8")), ("REAL", b"REAL")):
        p = subprocess.run([FAKEDS, "--port", "0", "--quirks", arg, "--max-seconds", "5"],
                           capture_output=True, timeout=20)
        check(p.returncode == 2 and name in p.stderr and b"particularidad desconocida" in p.stderr,
              "--quirks %r: %d %r" % (arg, p.returncode, p.stderr))
    p = subprocess.run([FAKEDS, "--port", "0", "--encoding", "latin9", "--max-seconds", "5"],
                       capture_output=True, timeout=20)
    check(p.returncode == 2 and b"windows-1252" in p.stderr, "--encoding latin9: %d" % p.returncode)
    none = Fakeds("--dataset", SAMPLE_DATASET, "--quirks", "")
    check(none.control("GET", "/control/quirks")[1] == {"quirks": []}, "--quirks vacío")


def main():
    if not os.access(FAKEDS, os.X_OK):
        print("FAIL: falta %s (make build/fakeds)" % FAKEDS)
        print("0 passed, 1 failed")
        return 1
    if not os.path.isdir(CONTRACT):
        print("FAIL: falta %s (SEGCONT_SHARED)" % CONTRACT)
        print("0 passed, 1 failed")
        return 1
    tests = [
        test_sample_list_and_info_byte_for_byte,
        test_sample_faults_byte_for_byte,
        test_sample_bad_key,
        test_sample_unknown_number_and_bad_requests,
        test_sample_dump_round_trip,
        test_utf8_encoding,
        test_generated_dataset_is_deterministic,
        test_generated_dataset_shape,
        test_key_file_and_office_option,
        test_control_changes_visible,
        test_control_bad_input,
        test_each_fault_kind,
        test_faults_deterministic_and_from_cli,
        test_delay_does_not_block_and_stops_cleanly,
        test_max_seconds,
        test_quirk_punto_final,
        test_quirk_sin_declaracion,
        test_encoding_windows_1252,
        test_quirk_byte_extra,
        test_quirk_lista_sin_clave,
        test_quirk_sin_limite,
        test_quirk_lista_por_numero,
        test_quirk_clave_vacia,
        test_quirk_detalle_real,
        test_namespace_option,
        test_quirks_real_shorthand,
        test_quirks_control_and_cli,
    ]
    try:
        for t in tests:
            test(t)
    finally:
        for p in list(RUNNING):
            p.stop()
    if RESULTS["failures"]:
        print("failed: " + " ".join(RESULTS["failures"]))
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
