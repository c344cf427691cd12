// test_web_espera.mjs -- «Sin repartir» shows each unassigned filing's age in the queue in
// headless Chromium against `segcont serve` (webharness.mjs): the «Días hábiles / meta» cell
// of an unassigned row reads «En espera: N días hábiles» (the API's sla.dias_en_espera), «1 día
// hábil» in the singular; an assigned filing's row keeps its days used / meta. Plain ESM for
// node 18 and later.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { check, fatal, apiJson, signIn, launchBrowser, runMain } from './webharness.mjs';

const fila = (page, numero) => page.locator('#tabla-bandeja tbody tr').filter({
  has: page.locator('a[href="#/radicado/' + encodeURIComponent(numero) + '"]'),
});

function sql(work, text) {
  const r = spawnSync('sqlite3', [path.join(work, 'segcont.db'), text], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) fatal('sqlite3: ' + r.stderr);
  return r.stdout.trim();
}

async function browserTest(env, work) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1 } = env.users;
  const get = async (p) => (await apiJson(env.httpPort, director.token, 'GET', p)).json;
  const lista = await get('/api/radicados?estado=recibido&por_pagina=100');
  const vigentes = lista.radicados.filter((r) => r.estado_ds !== 'anulado');
  check(vigentes.length >= 3, 'hay radicados sin repartir (' + vigentes.length + ')');
  const [uno, varios, repartido] = vigentes.map((r) => r.numero);

  // «uno»: the arrival that leaves exactly 1 business day of waiting (some day of the past week
  // at 10:00 Bogotá); «varios» keeps the fakeds date.
  let singular = false;
  for (let back = 1; back <= 7 && !singular; back++) {
    const d = new Date(Date.now() - 5 * 3600 * 1000 - back * 86400 * 1000).toISOString().slice(0, 10);
    sql(work, "UPDATE radicado SET fecha_radicacion = '" + d + "T10:00:00-05:00' WHERE numero = '" + uno + "'");
    singular = (await get('/api/radicados/' + uno)).sla.dias_en_espera === 1;
  }
  check(singular, 'un radicado con 1 día hábil en espera');
  const nVarios = (await get('/api/radicados/' + varios)).sla.dias_en_espera;
  check(Number.isInteger(nVarios), varios + ': ' + nVarios + ' días en espera según la API');
  let v = (await get('/api/radicados/' + repartido)).seguimiento.version;
  const rep = await apiJson(env.httpPort, director.token, 'POST', '/api/radicados/' + encodeURIComponent(repartido) + '/reparto',
    { abogado_id: a1.id, version: v });
  check(rep.status === 200, 'un radicado repartido por la API (' + rep.status + ')');

  const page = await launchBrowser();
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  await signIn(page, base, director);
  await page.goto(base + '/#/bandeja?estado=recibido&por_pagina=100');
  await fila(page, uno).waitFor();
  const celda = async (n) => (await fila(page, n).locator('td.dias').textContent()).trim();
  check(await celda(uno) === 'En espera: 1 día hábil', uno + ': «En espera: 1 día hábil» (' + await celda(uno) + ')');
  const want = 'En espera: ' + nVarios + (nVarios === 1 ? ' día hábil' : ' días hábiles');
  check(await celda(varios) === want, varios + ': «' + want + '» (' + await celda(varios) + ')');
  await page.goto(base + '/#/bandeja?estado=repartido&por_pagina=100');
  await fila(page, repartido).waitFor();
  const t = await celda(repartido);
  check(!t.startsWith('En espera') && /\d/.test(t), 'el repartido muestra días usados / meta (' + t + ')');
}

await runMain(120000, async (env, work) => {
  await browserTest(env, work);
});
