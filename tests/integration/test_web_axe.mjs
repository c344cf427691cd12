// test_web_axe.mjs -- axe-core (node_modules/axe-core, pinned in package.json) on every view of the
// staff page, in headless Chromium against `segcont serve` on a synced, reconciled database
// (webharness.mjs): the sign-in page; the Bandeja with rows, with a filter and with the bulk
// reparto bar after selecting rows; the reparto dialog; the ficha of an open filing, of one with
// a devolución, of a concluded one; the edit form as a lawyer and as apoyo (their bandeja too);
// the stale-edit conflict panel; the Tablero by actividad and by radicación; the Conciliación
// with its discrepancies; the phone menu opened. Each view is checked at 1366×768 and 390×844
// with the WCAG 2.0/2.1 A and AA rules and the best practices; each view×width is one check, and
// every violation is printed (rule, impact, selectors, help). No rule is disabled.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, check, fatal, apiJson, run, signIn, signOut, nav, waitEstado, launchBrowser, runMain } from './webharness.mjs';

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
let AXE_SRC = null; // read in browserTest: a missing module is one readable failure
const WIDTHS = [{ width: 1366, height: 768 }, { width: 390, height: 844 }];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

// Runs axe on the page as it is now; one check, the violations printed.
async function axeAt(page, vista, vp) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Not page.addScriptTag: the page's Content-Security-Policy (script-src 'self') blocks an
  // inline script, as it should. The DevTools protocol's evaluate is not subject to it.
  if (!hasAxe) await page.evaluate(AXE_SRC);
  const res = await page.evaluate((tags) => window.axe.run(document, { runOnly: tags, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ') +
      ((n.any[0] || n.all[0] || n.none[0] || {}).message ? ' — ' + (n.any[0] || n.all[0] || n.none[0]).message : '')) }))), TAGS);
  for (const v of res) {
    console.log('    axe ' + v.id + ' (' + v.impact + '): ' + v.help);
    for (const t of v.targets.slice(0, 8)) console.log('      en ' + t);
    if (v.targets.length > 8) console.log('      … y ' + (v.targets.length - 8) + ' más');
  }
  check(res.length === 0, 'axe: ' + vista + ' a ' + vp.width + ' px sin infracciones' + (res.length ? ' (' + res.map((v) => v.id).join(', ') + ')' : ''));
}

// The view as it is, at both widths; the page ends at the first width again.
async function vista(page, nombre, widths) {
  for (const vp of widths || WIDTHS) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(150); // the layout of the new width (media queries, the menu)
    await axeAt(page, nombre, vp);
  }
  await page.setViewportSize(WIDTHS[0]);
}

async function ficha(page, numero, estado) {
  await page.evaluate((n) => { location.hash = '#/radicado/' + encodeURIComponent(n); }, numero);
  await waitEstado(page, estado);
}

async function bandeja(page) {
  await nav(page, 'Bandeja').click();
  await page.locator('#tabla-bandeja').waitFor();
}

async function browserTest(env) {
  if (!fs.existsSync(AXE)) {
    fatal('falta ' + path.relative(ROOT, AXE) + ' (lo instala `make deps` con npm ci: axe-core de package.json)');
    return;
  }
  AXE_SRC = fs.readFileSync(AXE, 'utf8');
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1 } = env.users;
  const apoyoAdd = run(['user', 'add', '-c', env.conf, '--nombre', 'Apoyo Diana Mora', '--rol', 'apoyo', '--json']);
  if (apoyoAdd.status !== 0) throw new Error('segcont user add (apoyo) falló: ' + (apoyoAdd.stderr || apoyoAdd.stdout));
  const apoyo = Object.assign({ nombre: 'Apoyo Diana Mora' }, JSON.parse(apoyoAdd.stdout));

  // Filings in each state, through the API: one with a devolución, one concluded, one in review for the edits.
  const libres = (await apiJson(env.httpPort, director.token, 'GET', '/api/radicados?estado=recibido&orden=fecha&por_pagina=100'))
    .json.radicados.filter((r) => r.estado_ds !== 'anulado').map((r) => r.numero);
  const [devuelto, concluido, editado] = libres.slice(-3);
  let ok = 0;
  for (const n of [devuelto, concluido, editado]) {
    ok += (await apiJson(env.httpPort, director.token, 'POST', '/api/radicados/' + encodeURIComponent(n) + '/reparto', { abogado_id: a1.id })).status === 200;
  }
  const gest = (n, body) => apiJson(env.httpPort, a1.token, 'POST', '/api/radicados/' + encodeURIComponent(n) + '/gestiones', body);
  ok += (await gest(devuelto, { tipo: 'devolucion', texto: 'Falta el certificado de disponibilidad presupuestal.' })).status === 201;
  ok += (await gest(concluido, { tipo: 'devolucion', texto: 'Falta el estudio previo.' })).status === 201;
  ok += (await gest(concluido, { tipo: 'reingreso' })).status === 201;
  ok += (await gest(concluido, { tipo: 'conclusion', satisfactorio: true, texto: 'Minuta revisada y aprobada.' })).status === 201;
  check(ok === 7, 'los radicados de prueba quedan repartido, devuelto y concluido por la API (' + ok + ' de 7)');

  const page = await launchBrowser(WIDTHS[0]);
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));

  console.log('1. el ingreso');
  await page.goto(base + '/');
  await page.getByLabel('Token personal').waitFor();
  await vista(page, 'la página de ingreso');

  console.log('2. la Directora: bandeja, filtros, selección, reparto, ficha');
  await signIn(page, base, director);
  await vista(page, 'la bandeja de la Dirección');
  // a1's filings in every estado: repartido, devuelto, concluido and their semáforos
  await page.getByLabel('Estado').selectOption('');
  await page.getByLabel('Abogado', { exact: true }).selectOption(String(a1.id));
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await page.locator('#tabla-bandeja tbody tr[data-numero="' + concluido + '"]').waitFor();
  check(await page.locator('#tabla-bandeja tbody tr').count() === 3, 'el filtro por abogado muestra sus 3 radicados');
  await vista(page, 'la bandeja filtrada (todos los estados, un abogado)');
  await page.getByLabel('Estado').selectOption('recibido');
  await page.getByLabel('Abogado', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await page.locator('input.sel-radicado').first().waitFor();
  await page.locator('input.sel-radicado').nth(0).check();
  await page.locator('input.sel-radicado').nth(1).check();
  await page.locator('.barra-reparto').waitFor();
  await vista(page, 'la bandeja con la barra de reparto');
  await page.locator('input.sel-radicado').nth(0).uncheck();
  await page.locator('input.sel-radicado').nth(1).uncheck();
  const abierto = libres[0];
  await ficha(page, abierto, 'Recibido');
  await vista(page, 'la ficha de un radicado sin repartir');
  await page.getByRole('button', { name: 'Repartir', exact: true }).click();
  await page.getByRole('dialog').waitFor();
  await vista(page, 'el diálogo de reparto');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await ficha(page, concluido, 'Concluido');
  await vista(page, 'la ficha de un radicado concluido');

  console.log('3. el tablero y la conciliación');
  await nav(page, 'Tablero').click();
  await page.locator('#tabla-carga').waitFor();
  await page.locator('#criterio-tablero[data-base="actividad"]').waitFor();
  await vista(page, 'el tablero por actividad');
  await page.getByLabel('Lo radicado en el periodo').check();
  await page.locator('#criterio-tablero[data-base="radicacion"]').waitFor();
  await page.locator('#tabla-carga').waitFor();
  await vista(page, 'el tablero por fecha de radicación');
  await nav(page, 'Conciliación').click();
  await page.getByRole('heading', { name: 'Conciliación', level: 1 }).waitFor();
  await page.waitForTimeout(500);
  check(await page.locator('main table tbody tr').count() > 0, 'la conciliación muestra discrepancias');
  await vista(page, 'la conciliación con discrepancias');

  console.log('4. el menú del teléfono (solo existe a 390 px)');
  await bandeja(page);
  await page.setViewportSize(WIDTHS[1]);
  await page.locator('#boton-menu').click();
  await page.locator('#menu').waitFor();
  await vista(page, 'el menú abierto', [WIDTHS[1]]);
  await page.setViewportSize(WIDTHS[1]);
  await page.locator('#boton-menu').click();
  await page.setViewportSize(WIDTHS[0]);
  await signOut(page);

  console.log('5. el abogado: su lista, la ficha devuelta, el formulario y el conflicto');
  await signIn(page, base, a1);
  await vista(page, 'la bandeja del abogado');
  await ficha(page, devuelto, 'Devuelto');
  await vista(page, 'la ficha de un radicado devuelto');
  await ficha(page, editado, 'Repartido');
  await vista(page, 'la ficha con el formulario de edición (abogado)');
  const leido = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(editado));
  const otro = await apiJson(env.httpPort, director.token, 'PATCH', '/api/radicados/' + encodeURIComponent(editado),
    { observaciones: 'Cambio de la Dirección mientras tanto', version: leido.json.seguimiento.version });
  check(otro.status === 200, 'la Directora cambia las observaciones por la API (' + otro.status + ')');
  await page.getByLabel('Observaciones', { exact: true }).fill('Observación del abogado');
  await page.getByRole('button', { name: 'Guardar seguimiento' }).click();
  await page.locator('#titulo-conflicto').waitFor();
  await vista(page, 'el aviso de edición obsoleta');
  await signOut(page);

  console.log('6. apoyo: pendientes de legalización y su formulario');
  await signIn(page, base, apoyo);
  await vista(page, 'la bandeja de apoyo');
  await page.getByRole('checkbox', { name: 'Pendientes de legalización' }).check();
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await page.waitForTimeout(500);
  await vista(page, 'la bandeja de apoyo, pendientes de legalización');
  await ficha(page, editado, 'Repartido');
  await vista(page, 'la ficha con el formulario de apoyo');
  await signOut(page);
}

await runMain(300000, async (env) => {
  await browserTest(env);
});
