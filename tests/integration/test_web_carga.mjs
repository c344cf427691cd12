// test_web_carga.mjs -- what a cold load of the Bandeja asks for (issue 14: «the Bandeja asks
// only for what its first screen shows»), in headless Chromium against `segcont serve`: signed in
// as the Director (the token in sessionStorage, as the sign-in form leaves it) with an empty
// cache, the first filing row is drawn before any /api/indicadores request (none is needed: the
// rows carry their own "sla") and before the reparto suggestion, the legalization count, the
// saved views and /healthz are asked; every list is asked with por_pagina <= 50; the modules of
// the first screen are asked together before /api/usuarios/yo (modulepreload) and the other
// views' only when shown; a second load revalidates the static assets (If-None-Match, 304, no
// body again); the Tablero asks /api/indicadores, with /api/usuarios/yo (arranque.js), and not the
// lawyers' load; at an address with its filters (a reload) the Bandeja's list leaves with yo too.
import { check, launchBrowser, runMain, sleep } from './webharness.mjs';

// Records performance.now() when the first filing row exists (as bench/web_timing.mjs does).
// The Director's token, unless the tab holds one already (step 5 puts one the server refuses).
function marcarPrimeraFila(token) {
  if (!sessionStorage.getItem('segcont.token')) sessionStorage.setItem('segcont.token', token);
  window.__fila = null;
  const obs = new MutationObserver(() => {
    if (window.__fila === null && document.querySelector('#tabla-bandeja tbody tr[data-numero]')) {
      window.__fila = performance.now();
      obs.disconnect();
    }
  });
  obs.observe(document, { childList: true, subtree: true });
}

// The page's resource requests of this document: {ruta, inicio} (ms since navigation).
const recursos = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => {
  const u = new URL(e.name);
  return { ruta: u.pathname + u.search, inicio: e.startTime, fin: e.responseEnd };
}));

async function esperarQuieto(page) {
  await page.locator('#vista:not([aria-busy])').waitFor();
  await page.locator('#tabla-bandeja[data-sugerencia="lista"]').waitFor();
  await page.waitForLoadState('networkidle').catch(() => {});
}

await runMain(240000, async (env) => {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const page = await launchBrowser();
  await page.context().addInitScript(marcarPrimeraFila, env.users.director.token);
  const respuestas = [];
  page.on('response', (r) => respuestas.push({ ruta: new URL(r.url()).pathname, estado: r.status(), r }));

  console.log('1. la bandeja en frío (caché vacía), como la Directora');
  await page.goto(base + '/#/bandeja');
  await page.locator('#tabla-bandeja tbody tr[data-numero]').first().waitFor();
  await esperarQuieto(page);
  const fila = await page.evaluate(() => window.__fila);
  const pedidos = await recursos(page);
  console.log('  primera fila a los ' + Math.round(fila) + ' ms; ' + pedidos.length + ' pedidos:');
  for (const p of pedidos) console.log('    ' + String(Math.round(p.inicio)).padStart(6) + ' ms ' + p.ruta);
  const api = pedidos.filter((p) => p.ruta.startsWith('/api/'));
  const antes = (p) => p.inicio < fila;
  // what is asked once the list has answered: in the task that draws its rows, or later
  const despues = (p) => p.inicio >= hoja.fin;
  check(!pedidos.some((p) => p.ruta.startsWith('/api/indicadores') && antes(p)), 'ningún /api/indicadores antes de la primera fila');
  check(!pedidos.some((p) => p.ruta.startsWith('/api/indicadores')), 'la bandeja no pide /api/indicadores (las filas traen su «sla»)');
  const listas = api.filter((p) => /^\/api\/radicados\?/.test(p.ruta));
  const pp = listas.map((p) => Number(new URLSearchParams(p.ruta.split('?')[1]).get('por_pagina')));
  check(listas.length > 0 && pp.every((n) => n >= 1 && n <= 50), 'cada lista se pide con por_pagina <= 50: ' + pp.join(', '));
  const hoja = listas.find((p) => /[?&]pagina=1(&|$)/.test(p.ruta));
  check(hoja && antes(hoja), 'la lista de la primera pantalla se pide antes de dibujar su primera fila');
  if (!hoja) return;
  for (const [que, re] of [['la sugerencia de reparto', /^\/api\/abogados\/carga\?tipo_tramite=/],
    ['el conteo de pendientes de legalización', /^\/api\/radicados\?legalizacion_pendiente=1&por_pagina=1$/],
    ['las vistas guardadas', /^\/api\/vistas$/], ['el estado de la sincronización', /^\/healthz$/]]) {
    const x = pedidos.filter((p) => re.test(p.ruta));
    check(x.length > 0 && x.every(despues), 'pide ' + que + ' cuando la lista ya respondió (con sus filas dibujadas)');
  }
  const sugerencias = api.filter((p) => /^\/api\/abogados\/carga\?tipo_tramite=/.test(p.ruta));
  check(sugerencias.length === 1, 'una sola sugerencia de reparto para la página (' + sugerencias.length + ')');
  const modulos = pedidos.filter((p) => /^\/static\/[a-z]+\.js$/.test(p.ruta)).map((p) => p.ruta.slice(8));
  const primeros = ['app.js', 'api.js', 'arranque.js', 'dom.js', 'fmt.js', 'bandeja.js', 'sla.js', 'vistas.js'];
  const yo = pedidos.find((p) => p.ruta === '/api/usuarios/yo');
  check(yo && primeros.every((m) => pedidos.some((p) => p.ruta === '/static/' + m && p.inicio < yo.inicio)),
    'los módulos de la primera pantalla se piden juntos, antes de /api/usuarios/yo (modulepreload): ' + primeros.join(' '));
  check(modulos.every((m) => primeros.includes(m)), 'las otras vistas no se piden hasta que se muestran: ' + modulos.join(' '));
  const legal = page.locator('[data-cifra="legalizacion"] .cifra');
  check(/^\d/.test(await legal.textContent()), 'la tarjeta «Pendientes de legalización» llega después: ' + await legal.textContent());
  check(await page.getByLabel('Mis vistas').count() === 1 && await page.getByLabel('Abogado', { exact: true }).count() === 1,
    'los filtros y «Mis vistas» quedan en la pantalla');

  console.log('2. la misma página otra vez: los archivos estáticos se revalidan (304)');
  respuestas.length = 0;
  await page.goto('about:blank');
  await page.goto(base + '/#/bandeja');
  await page.locator('#tabla-bandeja tbody tr[data-numero]').first().waitFor();
  await esperarQuieto(page);
  const estaticos = respuestas.filter((x) => x.ruta === '/' || x.ruta.startsWith('/static/'));
  const js = estaticos.find((x) => x.ruta === '/static/app.js');
  check(js && js.estado === 304, 'GET /static/app.js por segunda vez responde 304' + (js ? ' (' + js.estado + ')' : ' (no se pidió)'));
  // Chromium shows a revalidated document or image as the cached 200 it merged the 304 into;
  // what went over the wire is a conditional request and a body of 0 bytes.
  const bajados = [];
  for (const x of estaticos) {
    const pedido = await x.r.request().allHeaders();
    const cuerpo = (await x.r.request().sizes()).responseBodySize;
    if (!pedido['if-none-match'] || (x.estado !== 304 && cuerpo !== 0)) bajados.push(x.ruta + ' ' + x.estado + ' ' + cuerpo + ' B');
  }
  check(estaticos.length >= 9 && bajados.length === 0, 'los ' + estaticos.length + ' archivos estáticos se revalidan sin bajarse otra vez' +
    (bajados.length ? ': ' + bajados.join(', ') : ''));
  const h = js ? await js.r.allHeaders() : {};
  check(h['cache-control'] === 'no-cache' && /^"/.test(h.etag || ''), 'con Cache-Control: no-cache y una ETag: ' + h['cache-control'] + ' ' + h.etag);

  console.log('3. el tablero pide los indicadores y no la carga de los abogados (con /api/usuarios/yo retenido 300 ms)');
  await page.goto('about:blank');
  // yo held back: the figures must not wait for its answer
  const retener = async (route) => { await sleep(300); await route.continue(); };
  await page.route('**/api/usuarios/yo', retener);
  await page.goto(base + '/#/tablero');
  await page.locator('section.totales .tarjeta').first().waitFor();
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.unroute('**/api/usuarios/yo', retener);
  const tab = (await recursos(page)).filter((p) => p.ruta.startsWith('/api/'));
  check(tab.some((p) => p.ruta.startsWith('/api/indicadores?')), 'el tablero pide /api/indicadores');
  check(!tab.some((p) => p.ruta.startsWith('/api/abogados/carga')), 'el tablero no pide /api/abogados/carga cuando hay indicadores: ' +
    tab.map((p) => p.ruta).join(' '));
  const todo = await recursos(page);
  const ind = todo.find((p) => p.ruta.startsWith('/api/indicadores?'));
  const modTablero = todo.find((p) => p.ruta === '/static/tablero.js');
  const yoTab = todo.find((p) => p.ruta === '/api/usuarios/yo');
  check(ind && yoTab && modTablero && modTablero.inicio <= ind.inicio && ind.inicio < yoTab.fin,
    'los indicadores se piden con /api/usuarios/yo, sin esperar su respuesta, y tablero.js justo antes que ellos' +
    (ind && yoTab && modTablero ? ' (' + Math.round(ind.inicio) + ' ms; yo respondió a los ' + Math.round(yoTab.fin) + ', tablero.js a los ' +
      Math.round(modTablero.inicio) + ')' : ''));

  console.log('4. la bandeja con sus filtros en la dirección (una recarga): la lista no espera a /api/usuarios/yo');
  await page.goto('about:blank');
  await page.goto(base + '/#/bandeja?estado=recibido&orden=fecha');
  await page.locator('#tabla-bandeja tbody tr[data-numero]').first().waitFor();
  await esperarQuieto(page);
  const rec = await recursos(page);
  const listasRec = rec.filter((p) => /^\/api\/radicados\?estado=recibido&orden=fecha&pagina=1&/.test(p.ruta));
  const cargaRec = rec.find((p) => p.ruta === '/api/abogados/carga');
  check(listasRec.length === 1, 'la lista se pide una sola vez (' + listasRec.length + ')');
  // /api/abogados/carga leaves when the view starts to draw, after yo answered
  check(listasRec.length === 1 && cargaRec && listasRec[0].inicio < cargaRec.inicio,
    'la lista sale al arrancar, con /api/usuarios/yo, no después (antes que la carga de los abogados)');
  check(await page.locator('#tabla-bandeja tbody tr[data-numero]').count() === 50 && page.url().endsWith('#/bandeja?estado=recibido&orden=fecha'),
    'y la bandeja muestra sus 50 filas en la misma dirección');

  console.log('5. con un token que el servidor no acepta, lo pedido al arrancar cierra la sesión como cualquier pedido');
  for (const hash of ['#/tablero', '#/bandeja?estado=recibido&orden=fecha']) {
    await page.evaluate(() => sessionStorage.setItem('segcont.token', 'sgc_revocado'));
    await page.goto('about:blank');
    await page.goto(base + '/' + hash);
    await page.locator('#titulo-ingreso').waitFor();
    const msg = await page.locator('.ingreso .error-campo').textContent();
    check(/^Su sesión terminó/.test(msg) && await page.evaluate(() => sessionStorage.getItem('segcont.token')) === null,
      hash + ': el ingreso dice «' + msg + '» y la pestaña olvida el token');
  }
});
