// webharness.mjs -- what the browser tests share: the processes (fakeds, a synced database with
// three users, `segcont serve` on 127.0.0.1), HTTP helpers, Chromium (Debian's, driven by
// playwright-core) and the checks' bookkeeping. A test calls runMain(name, limitMs, body):
// body(env, work) runs with the environment set up; every process and the browser are stopped
// after, and the process exits 1 when a check failed. Plain ESM for node 18 and later.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SEGCONT = process.env.SEGCONT_BIN || path.join(ROOT, 'build', 'segcont');
export const FAKEDS = path.join(ROOT, 'build', 'fakeds');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
export const STEP_MS = 15000; // one wait in the browser
export const OFFICE = '342';
export const KEY = 'CLAVE-DEL-SERVICIO';
export const NUMERO = '1-2021-23677'; // the number of the filing the test follows
const failures = [];
const children = [];
let browserContext = null;
let profileDir = null;

export function check(cond, what) {
  console.log((cond ? '  ok: ' : '  FALLA: ') + what);
  if (!cond) failures.push(what);
  return cond;
}

export function fatal(msg) {
  console.log('FALLA: ' + msg);
  failures.push(msg);
}

export async function cleanup() {
  if (browserContext) {
    await browserContext.close().catch(() => {});
    browserContext = null;
  }
  if (profileDir) {
    fs.rmSync(profileDir, { recursive: true, force: true });
    profileDir = null;
  }
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await new Promise((r) => c.once('exit', r));
      clearTimeout(t);
    }
  }
}


// ---- processes and HTTP helpers

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error('no llegó a tiempo: ' + what);
    await sleep(100);
  }
}

export function start(cmd, args, logPath) {
  const log = fs.openSync(logPath, 'a');
  const c = spawn(cmd, args, { stdio: ['ignore', log, log] });
  children.push(c);
  return c;
}

export function run(args) {
  const r = spawnSync(SEGCONT, args, { encoding: 'utf8', timeout: 120000 });
  if (r.error) throw r.error;
  return r;
}

// One HTTP request; resolves {status, headers, body (Buffer)}.
export function request(port, method, p, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: headers || {}, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout ' + p)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function apiJson(port, token, method, p, obj) {
  const headers = { Authorization: 'Bearer ' + token };
  let body;
  if (obj !== undefined) {
    body = JSON.stringify(obj);
    headers['Content-Type'] = 'application/json';
  }
  const r = await request(port, method, p, headers, body);
  return { status: r.status, json: r.body.length ? JSON.parse(r.body.toString('utf8')) : null };
}

export function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

// ---- the environment: fakeds, a synced database, three users, segcont serve

export async function setUp(work) {
  const today = new Date(Date.now() - 5 * 3600 * 1000);
  const from = new Date(today.getTime() - 21 * 86400 * 1000);
  const portFile = path.join(work, 'fakeds.port');
  start(FAKEDS, ['--port', '0', '--port-file', portFile, '--max-seconds', '600', '--seed', '7',
    '--from', isoDay(from), '--to', isoDay(today), '--per-day', '4'], path.join(work, 'fakeds.log'));
  const dsPort = Number(await waitFor('el puerto de fakeds', async () => {
    const t = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8').trim() : '';
    return t || null;
  }, 20000));
  const httpPort = await freePort();
  fs.writeFileSync(path.join(work, 'ds.key'), KEY + '\n', { mode: 0o600 });
  const conf = path.join(work, 'segcont.conf');
  fs.writeFileSync(conf, [
    '[document_system]',
    'url = http://127.0.0.1:' + dsPort + '/webServices/servidor.php',
    'mapping = ' + path.join(ROOT, 'tests', 'data', 'mappings', 'soap-otros-numeros.json'),
    'dependencia = ' + OFFICE,
    'key_file = ds.key',
    'poll_interval = 300',
    'timeout = 5',
    'backfill_from = ' + isoDay(new Date(from.getTime() - 3 * 86400 * 1000)),
    '[store]',
    'path = segcont.db',
    '[http]',
    'listen = 127.0.0.1',
    'port = ' + httpPort,
    'threads = 2',
    '',
  ].join('\n'));
  const sync = run(['sync', '--once', '-c', conf]);
  check(sync.status === 0, 'segcont sync --once termina con 0' + (sync.status === 0 ? '' : ': ' + (sync.stderr || '').slice(-300)));
  // Reconciliation gives the Conciliación view something to show, where this build has it.
  const rec = run(['reconcile', '-c', conf]);
  if (rec.status === 2 && /desconocida|unknown/i.test(rec.stderr || '')) console.log('  (este segcont aún no tiene «reconcile»)');
  else check(rec.status === 0, 'segcont reconcile termina con 0' + (rec.status === 0 ? '' : ': ' + (rec.stderr || '').slice(-300)));
  // The filing the Director's bandeja shows first (received, oldest, not annulled) takes a
  // number of another document system.
  const ren = spawnSync('sqlite3', [path.join(work, 'segcont.db'), "UPDATE radicado SET numero = '" + NUMERO +
    "' WHERE id = (SELECT r.id FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id" +
    " WHERE s.estado = 'recibido' AND r.estado_ds <> 'anulado' ORDER BY r.fecha_radicacion, r.id LIMIT 1)"],
  { encoding: 'utf8', timeout: 30000 });
  check(ren.status === 0, 'el radicado más antiguo sin repartir pasa a ' + NUMERO + (ren.status === 0 ? '' : ': ' + ren.stderr));
  const users = {};
  for (const [k, nombre, rol] of [['director', 'Directora Ana Gómez', 'director'], ['a1', 'Abogado Beto Pérez', 'abogado'],
    ['a2', 'Abogada Carla Ruiz', 'abogado']]) {
    const r = run(['user', 'add', '-c', conf, '--nombre', nombre, '--rol', rol, '--json']);
    if (r.status !== 0) throw new Error('segcont user add falló: ' + (r.stderr || r.stdout));
    users[k] = Object.assign({ nombre, rol }, JSON.parse(r.stdout));
  }
  start(SEGCONT, ['serve', '-c', conf], path.join(work, 'serve.log'));
  await waitFor('segcont serve', async () => (await request(httpPort, 'GET', '/healthz')).status > 0, 20000);
  return { httpPort, users, conf };
}
// ---- the browser

export const totalOf = async (page) => Number((await page.locator('#total-radicados').textContent()).replace(/\./g, ''));

export async function signIn(page, base, user) {
  await page.goto(base + '/');
  await page.getByLabel('Token personal').fill(user.token);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.locator('#tabla-bandeja').waitFor();
  check((await page.locator('#quien').textContent()) === user.nombre, 'la barra muestra a ' + user.nombre);
  check((await page.locator('#rol').textContent()).length > 0, 'la barra muestra el rol: ' + (await page.locator('#rol').textContent()));
  const stored = await page.evaluate(() => ({ s: sessionStorage.getItem('segcont.token'), l: localStorage.length }));
  check(stored.s === user.token && stored.l === 0, 'el token queda en sessionStorage y en nada más');
  check(!page.url().includes(user.token), 'el token no aparece en la URL');
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Salir' }).click();
  await page.getByLabel('Token personal').waitFor();
  check(await page.evaluate(() => sessionStorage.getItem('segcont.token')) === null, 'al salir se borra el token');
}

export const nav = (page, name) => page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name });
export const estadoFicha = (page) => page.locator('#estado-ficha');

export async function waitEstado(page, texto) {
  await page.locator('#estado-ficha', { hasText: texto }).waitFor();
  check((await estadoFicha(page).textContent()) === texto, 'la ficha queda en «' + texto + '»');
}

// Every control of the view has an accessible name (label, aria-label or text).
export async function checkNames(page, view) {
  const unnamed = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main input, main select, main textarea, main button, main a[href], dialog input, dialog textarea, dialog button')) {
      if (el.type === 'hidden') continue;
      const label = (el.labels && [...el.labels].map((l) => l.textContent).join(' ')) || '';
      const aria = el.getAttribute('aria-label') || '';
      const by = (el.getAttribute('aria-labelledby') || '').split(' ').map((id) => (document.getElementById(id) || {}).textContent || '').join('');
      if (!(label + aria + by + (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent : '')).trim()) out.push(el.outerHTML.slice(0, 80));
    }
    return out;
  });
  check(unnamed.length === 0, 'cada control en ' + view + ' tiene nombre accesible' + (unnamed.length ? ': ' + unnamed.join(' | ') : ''));
}

export async function shot(page, name) {
  const p = path.join(ARTIFACTS, name);
  await page.screenshot({ path: p });
  console.log('  captura: ' + path.relative(ROOT, p));
}

// Debian's Chromium, headless, with a fresh profile (removed by cleanup). Returns the page.
export async function launchBrowser(viewport) {
  const { chromium } = await import('playwright-core');
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'segcont-chromium-'));
  browserContext = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: viewport || { width: 1366, height: 768 },
    locale: 'es-CO',
    timezoneId: 'America/Bogota',
    acceptDownloads: true,
  });
  const page = browserContext.pages()[0] || await browserContext.newPage();
  page.setDefaultTimeout(STEP_MS);
  return page;
}

// The whole of a browser test: checks what it needs, sets up the environment in a temporary
// folder, runs body(env, work), stops everything; exits 1 when a check failed or limitMs passed.
export async function runMain(limitMs, body) {
  const watchdog = setTimeout(async () => {
    fatal('el test superó ' + limitMs / 1000 + ' s');
    await cleanup();
    process.exit(1);
  }, limitMs);
  try {
    await import('playwright-core');
  } catch (e) {
    fatal('falta el módulo playwright-core (lo instala `make deps` con npm ci): ' + e.message);
  }
  if (!fs.existsSync(CHROMIUM)) fatal('falta ' + CHROMIUM + ' (lo instala `make deps`: paquete chromium de Debian)');
  for (const b of [SEGCONT, FAKEDS]) {
    if (!fs.existsSync(b)) fatal('falta ' + b + ' (make all)');
  }
  if (failures.length === 0) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'segcont-web-'));
    try {
      const env = await setUp(work);
      await body(env, work);
    } catch (e) {
      fatal('se interrumpió: ' + (e && e.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : e));
      for (const f of ['serve.log', 'fakeds.log']) {
        const p = path.join(work, f);
        if (fs.existsSync(p)) console.log('--- ' + f + ' (final)\n' + fs.readFileSync(p, 'utf8').slice(-1500));
      }
    } finally {
      await cleanup();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  clearTimeout(watchdog);
  if (failures.length) {
    console.log(failures.length + ' comprobaciones fallaron');
    process.exit(1);
  }
  console.log('todas las comprobaciones pasaron');
}
