// test_web_indicadores.mjs -- the Tablero asks for the counts only and opens a figure's filings
// on click: thirteen filings assigned 90 days ago through the API are overdue; in Debian's
// Chromium the Director's Tablero downloads no list of every filing (GET /api/indicadores
// without detalle, no /api/indicadores/radicados before a click), shows the 10 most urgent
// overdue filings and «Ver todos (13)», which opens the 13 in a dialog; over the last 90 days
// by filing date, «Recibidos» opens its filings 50 to a page with «Siguiente» / «Anterior»,
// the same as the API gives (every filing is copied once so it has more than 50), and a numero
// leads to its ficha.
// Run: node tests/integration/test_web_indicadores.mjs (after make all).
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { check, apiJson, signIn, nav, checkNames, shot, launchBrowser, runMain } from './webharness.mjs';

function sql(work, text) {
  const r = spawnSync('sqlite3', [path.join(work, 'segcont.db'), text], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error('sqlite3 falló: ' + r.stderr);
  return r.stdout.trim();
}

const quoted = (xs) => xs.map((x) => "'" + x.replace(/'/g, "''") + "'").join(', ');
const filas = (page) => page.locator('dialog .tabla-cifra tbody tr');

await runMain(180000, async (env, work) => {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1, a2 } = env.users;

  console.log('1. trece radicados repartidos hace 90 días: vencidos');
  const numeros = sql(work, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id" +
    " WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.fecha_radicacion DESC, r.id LIMIT 13").split('\n');
  check(numeros.length === 13, 'hay 13 radicados recibidos vigentes (' + numeros.length + ')');
  let ok = 0;
  for (const [i, numero] of numeros.entries()) {
    const r = await apiJson(env.httpPort, director.token, 'POST', '/api/radicados/' + encodeURIComponent(numero) + '/reparto',
      { abogado_id: i % 2 ? a2.id : a1.id });
    ok += r.status === 200;
  }
  check(ok === 13, '13 repartos por la API (' + ok + ')');
  const when = new Date(Date.now() - 90 * 86400 * 1000).toISOString().slice(0, 10) + 'T15:00:00.000Z';
  sql(work, "UPDATE gestion SET fecha = '" + when + "' WHERE tipo = 'reparto' AND radicado_id IN (SELECT id FROM radicado WHERE numero IN (" + quoted(numeros) + '))');
  sql(work, "UPDATE seguimiento SET fecha_reparto = '" + when + "' WHERE radicado_id IN (SELECT id FROM radicado WHERE numero IN (" + quoted(numeros) + '))');
  // A copy of every filing (numero + '1', not yet assigned), so a figure has more than a page.
  sql(work, "INSERT INTO radicado (numero, fecha_radicacion, asunto, dependencia_origen, dependencia_origen_nombre, hash_ds, hash_lista, visto_primero, visto_ultimo)" +
    " SELECT numero || '1', fecha_radicacion, asunto || ' (copia)', dependencia_origen, dependencia_origen_nombre, hash_ds, hash_lista, visto_primero, visto_ultimo FROM radicado");
  sql(work, "INSERT INTO seguimiento (radicado_id, tipo_tramite, creado, actualizado) SELECT c.id, s.tipo_tramite, s.creado, s.actualizado" +
    " FROM radicado c JOIN radicado r ON c.numero = r.numero || '1' JOIN seguimiento s ON s.radicado_id = r.id");
  const api = await apiJson(env.httpPort, director.token, 'GET', '/api/indicadores/radicados?cifra=vencidos&por_pagina=200');
  check(api.status === 200 && api.json.total === 13, 'la API cuenta 13 vencidos (' + (api.json && api.json.total) + ')');

  console.log('2. el Tablero pide solo los conteos y muestra los 10 más urgentes');
  const page = await launchBrowser();
  const pedidas = [];
  page.on('request', (req) => { if (req.url().includes('/api/indicadores')) pedidas.push(req.url()); });
  await signIn(page, base, director);
  await nav(page, 'Tablero').click();
  await page.locator('#tabla-carga').waitFor();
  await page.locator('#tabla-vencidos').waitFor();
  check(pedidas.length >= 1 && pedidas.every((u) => !u.includes('detalle=') && !u.includes('/api/indicadores/radicados')),
    'el Tablero pide /api/indicadores sin detalle y ninguna lista antes de un clic (' + pedidas.join(' ') + ')');
  check(await page.locator('#tabla-vencidos tbody tr').count() === 10, 'la tabla de vencidos muestra 10 filas');
  check((await page.locator('#tabla-vencidos caption').textContent()).includes('(13)'), 'su título dice 13');
  const primeros = await page.locator('#tabla-vencidos tbody tr td:first-child').allTextContents();
  check(JSON.stringify(primeros) === JSON.stringify(api.json.radicados.slice(0, 10).map((r) => r.numero)),
    'son los 10 primeros de la lista de la API, en su orden');
  const verTodos = page.getByRole('button', { name: 'Ver todos (13)' });
  check(await verTodos.count() === 1, 'hay un botón «Ver todos (13)»');

  console.log('3. «Ver todos» abre los 13 en un diálogo');
  await verTodos.click();
  const dlg = page.locator('dialog[open]');
  await dlg.waitFor();
  await page.locator('#estado-cifra', { hasText: 'de 13' }).waitFor();
  check(await filas(page).count() === 13, 'el diálogo lista los 13 vencidos');
  const todos = await page.locator('dialog .tabla-cifra tbody tr td:first-child').allTextContents();
  check(JSON.stringify(todos) === JSON.stringify(api.json.radicados.map((r) => r.numero)), 'en el orden de la API');
  check(await page.locator('dialog .tabla-cifra tbody tr').first().locator('.semaforo.s-vencido').count() === 1, 'con su semáforo «Vencido»');
  check(await page.locator('#cifra-siguiente').isDisabled() && await page.locator('#cifra-anterior').isDisabled(),
    'una sola página: «Anterior» y «Siguiente» desactivados');
  check(pedidas.some((u) => u.includes('/api/indicadores/radicados') && u.includes('cifra=vencidos')), 'la lista se pidió al abrirla');
  await checkNames(page, 'el diálogo de una cifra');
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });

  console.log('4. recibidos en los últimos 90 días, por fecha de radicación: de 50 en 50');
  await page.getByRole('radio', { name: 'Lo radicado en el periodo' }).check();
  await page.locator('#criterio-tablero[data-base="radicacion"]').waitFor();
  await page.getByRole('button', { name: 'Últimos 90 días' }).click();
  await page.locator('#tabla-carga').waitFor();
  const tarjeta = page.locator('.tarjeta[data-cifra="recibidos"]');
  const total = Number((await tarjeta.locator('.cifra').textContent()).replace(/\./g, ''));
  check(total > 50, 'Recibidos: ' + total + ' (más de una página)');
  const ver = tarjeta.getByRole('button', { name: 'Ver radicados' });
  check(await ver.getAttribute('aria-describedby') !== null, '«Ver radicados» lo describe el título de la tarjeta');
  await ver.click();
  await page.locator('#estado-cifra', { hasText: 'Radicados 1–50 de ' }).waitFor();
  check((await page.locator('#estado-cifra').textContent()).includes('de ' + total), 'el diálogo dice «1–50 de ' + total + '»');
  check(await filas(page).count() === 50, 'la primera página tiene 50 filas');
  const p1 = await page.locator('dialog .tabla-cifra tbody tr td:first-child').allTextContents();
  check(await page.locator('#cifra-anterior').isDisabled() && !(await page.locator('#cifra-siguiente').isDisabled()),
    'en la primera página: «Anterior» desactivado, «Siguiente» activo');
  await page.locator('#cifra-siguiente').click();
  await page.locator('#estado-cifra', { hasText: 'Radicados 51–' }).waitFor();
  const p2 = await page.locator('dialog .tabla-cifra tbody tr td:first-child').allTextContents();
  check(p2.length === Math.min(50, total - 50), 'la segunda página tiene ' + p2.length + ' filas');
  const hoy = new Date(Date.now() - 5 * 3600 * 1000).toISOString().slice(0, 10);
  const desde = new Date(Date.parse(hoy + 'T12:00:00Z') - 89 * 86400 * 1000).toISOString().slice(0, 10);
  const want = await apiJson(env.httpPort, director.token, 'GET', '/api/indicadores/radicados?cifra=oficina.recibidos&base=radicacion&desde=' +
    desde + '&hasta=' + hoy + '&por_pagina=200');
  check(want.status === 200 && JSON.stringify(p1.concat(p2)) === JSON.stringify(want.json.radicados.slice(0, 50 + p2.length).map((r) => r.numero)),
    'las dos páginas son las de la API, sin repetir ni saltar');
  check(new Set(p1.concat(p2)).size === p1.length + p2.length, 'ninguna fila se repite entre páginas');
  await shot(page, 'tablero-cifra.png');
  await page.locator('#cifra-anterior').click();
  await page.locator('#estado-cifra', { hasText: 'Radicados 1–50' }).waitFor();
  check(JSON.stringify(await page.locator('dialog .tabla-cifra tbody tr td:first-child').allTextContents()) === JSON.stringify(p1),
    '«Anterior» vuelve a la primera página');

  console.log('5. un radicado del diálogo lleva a su ficha');
  await page.locator('dialog .tabla-cifra tbody tr').first().getByRole('link').click();
  await page.waitForURL(/#\/radicado\//);
  check(decodeURIComponent(page.url()).endsWith('#/radicado/' + p1[0]), 'la ficha de ' + p1[0]);
  check(await page.locator('dialog[open]').count() === 0, 'el diálogo se cierra al ir a la ficha');

  console.log('6. las cifras de las tablas también se abren');
  await nav(page, 'Tablero').click();
  await page.locator('#tabla-carga').waitFor();
  const carga = page.locator('#tabla-carga tr[data-abogado-id="' + a1.id + '"] td[data-col="carga"]');
  check(await carga.textContent() === '7', a1.nombre + ': carga actual 7 (' + await carga.textContent() + ')');
  await carga.getByRole('button').click();
  await page.locator('#estado-cifra', { hasText: 'de 7' }).waitFor();
  check(await filas(page).count() === 7, 'el diálogo lista los 7 de ' + a1.nombre);
});
