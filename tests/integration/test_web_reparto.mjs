// test_web_reparto.mjs -- the Director's reparto from the bandeja in headless Chromium against
// `segcont serve` (webharness.mjs): before, the single-filing flow as test_web.mjs does it (open
// the ficha, «Repartir», choose the lawyer, confirm, back to the bandeja); after, 20 filings
// in one action (a tick, a Shift-tick, «Repartir seleccionados» «según la sugerencia»: POST
// /api/reparto) and the row's own «Repartir» (one click, the suggestion preselected). Counts
// the clicks and times each way until the bandeja shows the result, and prints the clicks and
// seconds per assignment. Also: the spread by load, a lawyer sees no reparto controls, every
// control has a name, no console error, no HTTP error. Plain ESM for node 18 and later.
import {
  check,
  fatal,
  apiJson,
  totalOf,
  signIn,
  signOut,
  waitEstado,
  checkNames,
  shot,
  launchBrowser,
  runMain,
  STEP_MS,
} from './webharness.mjs';

const BEFORE_N = 3; // single-filing repartos timed the old way
const BULK_N = 20;
const ROW_N = 3; // repartos with the row's button

const coma = (x) => x.toLocaleString('es-CO', { maximumFractionDigits: 2 });
const miles = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

async function waitTotal(page, n) {
  await page.locator('#total-radicados', { hasText: new RegExp('^' + miles(n) + '$') }).waitFor();
}

const repartibles = (page) => page.locator('#tabla-bandeja tbody tr').filter({ has: page.locator('input.sel-radicado') });

async function browserTest(env) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const page = await launchBrowser();
  page.on('response', (r) => {
    if (r.status() >= 400) fatal('respuesta inesperada ' + r.status() + ' a ' + r.request().method() + ' ' + r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') fatal('error en la consola: ' + m.text());
  });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  const { director, a1, a2 } = env.users;
  let clicks = 0;
  const click = async (loc, opts) => {
    clicks += 1;
    await loc.click(opts);
  };

  console.log('1. antes: un radicado a la vez, por la ficha (como test_web.mjs)');
  await signIn(page, base, director);
  let total = await totalOf(page);
  check(total >= BEFORE_N + BULK_N + ROW_N + 1, 'hay radicados sin repartir para las tres maneras (' + total + ')');
  check(await page.locator('#sel-todos').count() === 1 && await repartibles(page).count() >= BULK_N,
    'la Directora ve casillas en la bandeja y una para seleccionar todos');
  clicks = 0;
  let t0 = Date.now();
  for (let i = 0; i < BEFORE_N; i++) {
    const row = repartibles(page).first();
    const numero = await row.getAttribute('data-numero');
    await click(row.getByRole('link', { name: numero }));
    await waitEstado(page, 'Recibido');
    await click(page.getByRole('button', { name: 'Repartir', exact: true }));
    const dlg = page.getByRole('dialog');
    await dlg.waitFor();
    await click(dlg.getByLabel(a1.nombre));
    await click(dlg.getByRole('button', { name: 'Repartir', exact: true }));
    await waitEstado(page, 'Repartido');
    await click(page.getByRole('link', { name: '← Volver a la bandeja' }));
    total -= 1;
    await waitTotal(page, total);
  }
  const before = { clicks: clicks / BEFORE_N, seconds: (Date.now() - t0) / 1000 / BEFORE_N };
  check(await totalOf(page) === total, 'la bandeja baja en ' + BEFORE_N + ' (' + total + ')');

  console.log('2. después: ' + BULK_N + ' radicados en una sola acción, según la sugerencia');
  const rows = repartibles(page);
  const numeros = [];
  for (let i = 0; i < BULK_N; i++) numeros.push(await rows.nth(i).getAttribute('data-numero'));
  const cargaAntes = await apiJson(env.httpPort, director.token, 'GET', '/api/abogados/carga');
  clicks = 0;
  t0 = Date.now();
  await click(rows.nth(0).locator('input.sel-radicado'));
  await click(rows.nth(BULK_N - 1).locator('input.sel-radicado'), { modifiers: ['Shift'] });
  check((await page.locator('#n-seleccionados').textContent()) === BULK_N + ' radicados seleccionados',
    'un clic y un Mayús+clic seleccionan ' + BULK_N + ': «' + (await page.locator('#n-seleccionados').textContent()) + '»');
  check(await page.getByLabel('Repartir a').inputValue() === 'sugerencia', 'el destino por omisión es «según la sugerencia»');
  await shot(page, 'reparto-seleccion.png');
  await click(page.getByRole('button', { name: 'Repartir seleccionados' }));
  total -= BULK_N;
  await waitTotal(page, total);
  const bulk = { clicks: clicks / BULK_N, seconds: (Date.now() - t0) / 1000 / BULK_N };
  const avisoTexto = await page.locator('#aviso').textContent();
  check(/^Se repartieron 20 radicados: /.test(avisoTexto), 'el aviso dice cuántos y a quién: «' + avisoTexto + '»');
  check(await page.locator('#tabla-bandeja tbody tr').filter({ hasText: numeros[0] }).count() === 0,
    'los repartidos salen de la bandeja sin repartir');
  const got = {};
  let repartidos = 0;
  for (const n of numeros) {
    const d = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(n));
    const sg = d.json.seguimiento || {};
    if (sg.estado === 'repartido') repartidos += 1;
    got[sg.abogado_id] = (got[sg.abogado_id] || 0) + 1;
    const g = (d.json.gestiones || []).filter((x) => x.tipo === 'reparto');
    if (g.length !== 1) fatal('el radicado ' + n + ' no tiene una gestión de reparto');
  }
  check(repartidos === BULK_N, 'los ' + BULK_N + ' quedan «repartido», cada uno con su gestión de reparto');
  check((got[a1.id] || 0) + (got[a2.id] || 0) === BULK_N && got[a2.id] > 0,
    'repartidos entre los abogados: ' + a1.nombre + ' ' + (got[a1.id] || 0) + ', ' + a2.nombre + ' ' + (got[a2.id] || 0));
  // the spread: a1 started with BEFORE_N open filings, a2 with none
  const abiertos0 = Object.fromEntries(cargaAntes.json.abogados.map((a) => [a.id, a.abiertos]));
  check(abiertos0[a1.id] === BEFORE_N && (abiertos0[a2.id] || 0) === 0,
    'antes del bloque ' + a1.nombre + ' tenía ' + BEFORE_N + ' y ' + a2.nombre + ' ninguno');
  check((got[a2.id] || 0) > (got[a1.id] || 0),
    'según la sugerencia, el que tenía menos carga recibe más (' + (got[a2.id] || 0) + ' contra ' + (got[a1.id] || 0) + ')');

  console.log('3. después: el botón «Repartir» de cada fila (la sugerencia ya elegida)');
  clicks = 0;
  t0 = Date.now();
  for (let i = 0; i < ROW_N; i++) {
    const row = repartibles(page).first();
    const numero = await row.getAttribute('data-numero');
    // the suggestion is asked once the rows are drawn; the table says when it is in
    await page.locator('#tabla-bandeja[data-sugerencia="lista"]').waitFor({ timeout: STEP_MS });
    const elegido = await row.getByLabel('Abogado para el radicado ' + numero).inputValue();
    check(Number(elegido) === a1.id || Number(elegido) === a2.id, 'la fila de ' + numero + ' trae un abogado sugerido');
    await click(row.getByRole('button', { name: 'Repartir el radicado ' + numero }));
    total -= 1;
    await waitTotal(page, total);
    const d = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(numero));
    check(d.json.seguimiento.estado === 'repartido' && d.json.seguimiento.abogado_id === Number(elegido),
      numero + ' repartido al abogado elegido en su fila');
  }
  const row = { clicks: clicks / ROW_N, seconds: (Date.now() - t0) / 1000 / ROW_N };
  await checkNames(page, 'la bandeja con el reparto');
  await shot(page, 'reparto-bandeja.png');

  console.log('4. elegir otro abogado en la fila y un bloque a un abogado elegido');
  const r1 = repartibles(page).first();
  const n1 = await r1.getAttribute('data-numero');
  await r1.getByLabel('Abogado para el radicado ' + n1).selectOption(String(a2.id));
  await r1.getByRole('button', { name: 'Repartir el radicado ' + n1 }).click();
  total -= 1;
  await waitTotal(page, total);
  let d = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(n1));
  check(d.json.seguimiento.abogado_id === a2.id, n1 + ' repartido a ' + a2.nombre + ', elegido en la fila');
  const r2 = repartibles(page);
  const n2 = [await r2.nth(0).getAttribute('data-numero'), await r2.nth(1).getAttribute('data-numero')];
  await r2.nth(0).locator('input.sel-radicado').check();
  await r2.nth(1).locator('input.sel-radicado').check();
  await page.getByLabel('Repartir a').selectOption(String(a1.id));
  await page.getByRole('button', { name: 'Repartir seleccionados' }).click();
  total -= 2;
  await waitTotal(page, total);
  let both = 0;
  for (const n of n2) {
    d = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(n));
    both += d.json.seguimiento.abogado_id === a1.id;
  }
  check(both === 2, 'los 2 seleccionados van a ' + a1.nombre);
  await page.locator('#sel-todos').check();
  const nPag = await repartibles(page).count();
  check((await page.locator('#n-seleccionados').textContent()).startsWith(miles(nPag) + ' radicado'),
    '«seleccionar todos» marca los ' + nPag + ' de la página');
  await page.locator('#sel-todos').uncheck();
  check(await page.getByRole('button', { name: 'Repartir seleccionados' }).isDisabled(), 'sin selección el botón queda desactivado');
  await signOut(page);

  console.log('5. un abogado no ve casillas ni botones de reparto');
  await signIn(page, base, a1);
  check(await page.locator('#sel-todos, input.sel-radicado').count() === 0 &&
    await page.getByRole('button', { name: /^Repartir/ }).count() === 0, 'sin controles de reparto para el abogado');
  await signOut(page);

  console.log('6. la medida');
  console.log('  clics por asignación: antes ' + coma(before.clicks) + ', después ' + coma(bulk.clicks) +
    ' (bloque de ' + BULK_N + ') y ' + coma(row.clicks) + ' (botón de la fila)');
  console.log('  segundos por asignación: antes ' + coma(before.seconds) + ', después ' + coma(bulk.seconds) +
    ' (bloque de ' + BULK_N + ') y ' + coma(row.seconds) + ' (botón de la fila)');
  check(bulk.clicks < before.clicks / 10 && row.clicks < before.clicks, 'menos clics por asignación que antes');
  check(bulk.seconds < before.seconds, 'menos segundos por asignación en bloque que antes');
}

await runMain(240000, async (env) => {
  await browserTest(env);
});
