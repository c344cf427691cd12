// web_timing.mjs -- `make bench`'s browser figures (not a test): cold loads of the Tablero and the
// Bandeja in Debian's Chromium (playwright-core, the flags of tests/integration/webharness.mjs),
// signed in as the Director (the token put in sessionStorage before the page runs, as the sign-in
// form leaves it). Each load gets a new browser context (empty cache); an init script's
// MutationObserver records performance.now() when the view's first data element exists:
//   Tablero: the first figure of its summary (section.totales .tarjeta);
//   Bandeja: the first filing row (#tabla-bandeja tbody tr[data-numero]).
// A third view, bandeja_direccion, loads the Bandeja at the address its first showing leaves
// (#/bandeja?estado=recibido&orden=fecha); bench/resumen.py does not show it.
// Also the bytes of every response of the load (headers and body as sent), counted until the
// network is idle. Median of LOADS (3) loads per view. Each load also keeps its waterfall
// (cascada: every request of the document, from the Resource Timing entries, ms since the
// navigation: inicio, respuesta = first byte, fin), and the view's own request (the Tablero's
// /api/indicadores, the Bandeja's list): when the page sent it (pedido_ms), how long the server
// and the network took (espera_ms) and how long the page took after it to draw (dibujo_ms).
// usage: node bench/web_timing.mjs PORT TOKEN_FILE OUT.json [LOADS]
import fs from 'node:fs';
import { CHROMIUM } from '../tests/integration/webharness.mjs';

const [port, tokenFile, out, loadsArg] = process.argv.slice(2);
const LOADS = Number(loadsArg || 3);
const WAIT_MS = 60000;
const VIEWS = {
  tablero: { hash: '#/tablero', sel: 'section.totales .tarjeta', datos: /^\/api\/indicadores\?/ },
  bandeja: { hash: '#/bandeja', sel: '#tabla-bandeja tbody tr[data-numero]', datos: /^\/api\/radicados\?.*[?&]pagina=1(&|$)/ },
  // the Director's Bandeja at the address its first showing leaves (a reload, a link): not in
  // the table, for comparison (its list needs no /api/usuarios/yo first)
  bandeja_direccion: { hash: '#/bandeja?estado=recibido&orden=fecha', sel: '#tabla-bandeja tbody tr[data-numero]',
    datos: /^\/api\/radicados\?.*[?&]pagina=1(&|$)/ },
};

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

async function load(browser, base, token, view) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'es-CO',
    timezoneId: 'America/Bogota' });
  try {
    await context.addInitScript(({ token, sel }) => {
      sessionStorage.setItem('segcont.token', token);
      window.__bench = null;
      const obs = new MutationObserver(() => {
        if (window.__bench === null && document.querySelector(sel)) {
          window.__bench = performance.now();
          obs.disconnect();
        }
      });
      obs.observe(document, { childList: true, subtree: true });
    }, { token, sel: view.sel });
    const page = await context.newPage();
    let bytes = 0;
    let requests = 0;
    const pending = [];
    page.on('requestfinished', (req) => {
      requests += 1;
      pending.push(req.sizes().then((s) => { bytes += s.responseHeadersSize + s.responseBodySize; }, () => {}));
    });
    await page.goto(base + '/' + view.hash, { timeout: WAIT_MS });
    await page.waitForFunction(() => window.__bench !== null, null, { timeout: WAIT_MS });
    const ms = await page.evaluate(() => window.__bench);
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {});
    await Promise.all(pending);
    const cascada = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => {
      const u = new URL(e.name);
      return { ruta: u.pathname + u.search, inicio: Math.round(e.startTime), respuesta: Math.round(e.responseStart),
        fin: Math.round(e.responseEnd) };
    }));
    const d = cascada.find((x) => view.datos.test(x.ruta));
    const datos = d ? { pedido_ms: d.inicio, espera_ms: d.fin - d.inicio, dibujo_ms: Math.round(ms - d.fin) } : null;
    return { ms, bytes, requests, datos, cascada };
  } finally {
    await context.close();
  }
}

async function main() {
  const token = fs.readFileSync(tokenFile, 'utf8').trim();
  const base = 'http://127.0.0.1:' + port;
  const result = {};
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [name, view] of Object.entries(VIEWS)) {
      const runs = [];
      try {
        for (let i = 0; i < LOADS; i++) runs.push(await load(browser, base, token, view));
        result[name] = { ms: median(runs.map((r) => r.ms)), bytes: median(runs.map((r) => r.bytes)),
          requests: median(runs.map((r) => r.requests)), cargas: runs };
      } catch (e) {
        result[name] = { error: String(e && e.message ? e.message : e).split('\n')[0], cargas: runs };
      }
      console.log('bench: navegador, ' + name + ': ' + JSON.stringify(result[name].error || result[name].ms));
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
}

main().catch((e) => {
  console.error('web_timing: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
