// test_web_conciliacion.mjs -- the Conciliación view in headless Chromium against `segcont
// serve` on 127.0.0.1, with real discrepancies: fakeds retitles 16 filings and annuls two
// (one requested, one done) behind the sync's back and `segcont reconcile` finds them. The
// Director filters by type, selects three and resolves them with one note, resolves one more
// far down the table and the page stays where it was (the table is replaced in place, the
// heading is the same node), applies the document system's asunto to a filing (the ficha and
// its audit show it), and reads «Anulación solicitada» apart from «Anulado». A lawyer sees
// the table without selection or actions. Fails on any console error, page error or HTTP
// status >= 400.
import fs from 'node:fs';
import http from 'node:http';
import {
  OFFICE,
  check,
  fatal,
  run,
  apiJson,
  signIn,
  signOut,
  nav,
  checkNames,
  shot,
  launchBrowser,
  runMain,
} from './webharness.mjs';

// fakeds' control API (same port as its SOAP endpoint).
function control(dsBase, p, obj) {
  return new Promise((resolve, reject) => {
    const body = obj === undefined ? undefined : JSON.stringify(obj);
    const req = http.request(dsBase + p, { method: body ? 'POST' : 'GET', headers: body ? { 'Content-Type': 'application/json' } : {}, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const t = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode >= 400) reject(new Error('fakeds ' + p + ': ' + res.statusCode + ' ' + t));
        else resolve(t ? JSON.parse(t) : null);
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function discrepancies(env, director) {
  const conf = fs.readFileSync(env.conf, 'utf8');
  const dsBase = conf.match(/^url = (http:\/\/127\.0\.0\.1:\d+)/m)[1];
  const dump = await control(dsBase, '/control/dump?dependencia=' + OFFICE);
  const vigentes = [];
  for (const f of dump.filings.filter((x) => x.estado_ds === 'vigente').sort((a, b) => (a.numero < b.numero ? -1 : 1))) {
    if ((await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(f.numero))).status === 200) vigentes.push(f);
    if (vigentes.length === 18) break;
  }
  const retitled = vigentes.slice(0, 16);
  const asuntos = new Map();
  for (const [i, f] of retitled.entries()) {
    const nuevo = 'Asunto corregido en el sistema documental n.º ' + (i + 1);
    asuntos.set(f.numero, { antes: f.asunto, nuevo });
    await control(dsBase, '/control/update', { numero: f.numero, asunto: nuevo });
  }
  const solicitada = vigentes[16].numero;
  const anulado = vigentes[17].numero;
  await control(dsBase, '/control/update', { numero: solicitada, sgd_eanu_codigo: '1' });
  await control(dsBase, '/control/update', { numero: anulado, sgd_eanu_codigo: '2' });
  const rec = run(['reconcile', '-c', env.conf]);
  check(rec.status === 0, 'segcont reconcile encuentra los cambios' + (rec.status === 0 ? '' : ': ' + (rec.stderr || '').slice(-300)));
  return { asuntos, solicitada, anulado };
}

async function browserTest(env) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1 } = env.users;
  const { asuntos, solicitada, anulado } = await discrepancies(env, director);
  const page = await launchBrowser();
  page.on('response', (r) => {
    if (r.status() >= 400) fatal('respuesta inesperada ' + r.status() + ' a ' + r.request().method() + ' ' + r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') fatal('error en la consola: ' + m.text());
  });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  const dlg = page.getByRole('dialog');
  const filas = page.locator('#tabla-conciliacion tbody tr');

  console.log('1. la tabla y la redacción de cada tipo');
  await signIn(page, base, director);
  await nav(page, 'Conciliación').click();
  await page.locator('#tabla-conciliacion').waitFor();
  check(await page.locator(`#tabla-conciliacion tr[data-tipo="datos_distintos"]`).count() === 16, 'las 16 de datos distintos están en la tabla');
  const textoDe = async (numero) => (await page.locator('#tabla-conciliacion tbody tr', { has: page.getByRole('link', { name: numero, exact: true }) }).first().locator('td').nth(1).textContent()).trim();
  check(await textoDe(solicitada) === 'Anulación solicitada en el sistema documental', 'una anulación solicitada se lee «Anulación solicitada en el sistema documental»: ' + await textoDe(solicitada));
  check(await textoDe(anulado) === 'Anulado en el sistema documental', 'una anulada se lee «Anulado en el sistema documental»: ' + await textoDe(anulado));
  await checkNames(page, 'la conciliación');

  console.log('2. filtrar por tipo');
  await page.getByLabel('Tipo de discrepancia').selectOption('datos_distintos');
  await page.locator('#resumen-conciliacion', { hasText: '«Datos distintos»' }).waitFor();
  const tipos = await filas.evaluateAll((trs) => trs.map((tr) => tr.dataset.tipo));
  check(tipos.length === 16 && tipos.every((t) => t === 'datos_distintos'), 'el filtro deja solo las 16 de datos distintos (' + tipos.length + ')');
  check((await page.locator('#resumen-conciliacion').textContent()).startsWith('16 discrepancias de «Datos distintos»'), 'el resumen lo dice: ' + await page.locator('#resumen-conciliacion').textContent());

  console.log('3. seleccionar tres y resolverlas con una nota');
  check(await page.getByRole('button', { name: 'Resolver seleccionadas' }).isDisabled(), 'sin selección, «Resolver seleccionadas» está desactivado');
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const tr = filas.nth(i);
    ids.push(await tr.getAttribute('data-id'));
    await tr.locator('input.sel-disc').check();
  }
  check((await page.locator('#seleccionadas').textContent()) === '3 seleccionadas', 'la barra cuenta 3 seleccionadas');
  await page.getByRole('button', { name: 'Resolver seleccionadas' }).click();
  await dlg.waitFor();
  await dlg.getByRole('button', { name: 'Marcar las 3 como resueltas' }).click();
  check(await dlg.getByText('Escriba la nota.').isVisible(), 'sin nota no se resuelven');
  const nota = 'Revisadas con ventanilla: el sistema documental tiene el asunto correcto.';
  await dlg.getByLabel('Nota de resolución (obligatoria)').fill(nota);
  await dlg.getByRole('button', { name: 'Marcar las 3 como resueltas' }).click();
  await page.locator('#aviso', { hasText: '3 discrepancias resueltas con la misma nota' }).waitFor();
  check(await filas.count() === 13, 'quedan 13 en la tabla (' + await filas.count() + ')');
  const all = await apiJson(env.httpPort, director.token, 'GET', '/api/discrepancias?estado=resuelta&por_pagina=500');
  const resueltas = all.json.discrepancias.filter((d) => ids.includes(String(d.id)));
  check(resueltas.length === 3 && resueltas.every((d) => d.nota === nota && d.resuelta_por.nombre === director.nombre), 'las 3 quedan resueltas con la nota y el nombre de la Directora');
  check(await page.getByLabel('Tipo de discrepancia').inputValue() === 'datos_distintos', 'el filtro por tipo sigue puesto');

  console.log('4. tras resolver una abajo en la tabla, la página sigue donde estaba');
  await page.evaluate(() => { window.__h1 = document.querySelector('main h1'); });
  const objetivo = filas.nth(5);
  const idObjetivo = await objetivo.getAttribute('data-id');
  await objetivo.evaluate((tr) => window.scrollTo(0, tr.getBoundingClientRect().top + window.scrollY - 200));
  const antes = await page.evaluate(() => window.scrollY);
  check(antes > 300, 'la página está desplazada (' + antes + ' px)');
  await objetivo.getByRole('button', { name: 'Resolver', exact: true }).click();
  await dlg.waitFor();
  await dlg.getByLabel('Nota de resolución (obligatoria)').fill('Asunto confirmado por el área.');
  await dlg.getByRole('button', { name: 'Marcar como resuelta' }).click();
  await page.locator('#aviso', { hasText: 'resuelta' }).waitFor();
  await page.locator(`#tabla-conciliacion tr[data-id="${idObjetivo}"]`).waitFor({ state: 'detached' });
  const { despues, tope } = await page.evaluate(() => ({ despues: window.scrollY, tope: document.documentElement.scrollHeight - window.innerHeight }));
  check(tope > antes && Math.abs(despues - antes) <= 2, 'el desplazamiento se conserva: ' + antes + ' → ' + despues + ' px (máximo ' + tope + ')');
  check(await page.evaluate(() => window.__h1 === document.querySelector('main h1')), 'la vista no se rehízo entera (el encabezado es el mismo nodo)');

  console.log('5. aplicar el dato del sistema documental');
  const fila = filas.first();
  const numero = (await fila.getByRole('link').first().textContent()).trim();
  const esperado = asuntos.get(numero);
  await fila.getByRole('button', { name: 'Aplicar el dato del sistema documental' }).click();
  await dlg.waitFor();
  const cuerpo = await dlg.textContent();
  check(cuerpo.includes('Asunto: «' + esperado.antes + '» pasa a «' + esperado.nuevo + '»'), 'el diálogo dice qué cambia: ' + cuerpo.slice(0, 300));
  await dlg.getByRole('button', { name: 'Aplicar y resolver' }).click();
  await page.locator('#aviso', { hasText: 'Se aplicó el dato del sistema documental al radicado ' + numero }).waitFor();
  check(await page.getByRole('link', { name: numero, exact: true }).count() === 0, 'la discrepancia sale de las abiertas');
  const ficha = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(numero));
  check(ficha.json.radicado.asunto === esperado.nuevo, 'el radicado tiene el asunto del sistema documental');
  const aud = (ficha.json.auditoria || []).filter((a) => a.campo === 'asunto');
  check(aud.length === 1 && aud[0].valor_anterior === esperado.antes && aud[0].valor_nuevo === esperado.nuevo && aud[0].usuario === director.nombre,
    'la auditoría registra el asunto anterior, el nuevo y quién (' + JSON.stringify(aud) + ')');
  await shot(page, 'conciliacion-tabla.png');

  console.log('6. las resueltas, con su nota');
  await page.getByRole('button', { name: 'Resueltas' }).click();
  await page.locator('#tabla-conciliacion tbody tr', { hasText: nota }).first().waitFor();
  check(await page.locator('#tabla-conciliacion tbody tr', { hasText: nota }).count() === 3, 'las 3 resueltas en bloque muestran la nota');
  check(await page.locator('#tabla-conciliacion input.sel-disc').count() === 0, 'las resueltas no se seleccionan');
  await page.getByRole('button', { name: 'Abiertas' }).click();
  await page.getByLabel('Tipo de discrepancia').selectOption('');
  await signOut(page);

  console.log('7. un abogado ve la tabla sin selección ni acciones');
  await signIn(page, base, a1);
  await nav(page, 'Conciliación').click();
  await page.locator('#tabla-conciliacion').waitFor();
  check(await filas.count() > 0, 'el abogado ve las discrepancias');
  check(await page.locator('#tabla-conciliacion input[type=checkbox]').count() === 0 &&
    await page.getByRole('button', { name: /Resolver|Aplicar/ }).count() === 0, 'sin casillas ni botones de resolver o aplicar');
  await signOut(page);
}

await runMain(240000, async (env) => {
  await browserTest(env);
});
