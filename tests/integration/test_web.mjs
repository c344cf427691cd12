// test_web.mjs -- the staff page in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against `segcont serve` on 127.0.0.1, on a temporary database synced from
// fakeds: the Director assigns a filing, the lawyer returns it with an observation, meets a
// stale edit, re-enters it and concludes it; the bandeja and the tablero follow; a lawyer
// never sees the reparto action. That filing's number is 1-2021-23677 (a number of another
// document system: renamed in the database, served with a mapping that admits it), so every
// link and API call of the page carries a hyphenated number. Also the static route's headers (CSP, ETag/304, gzip).
// Fails on any console error, page error, failed request or unexpected HTTP status >= 400.
// Screenshots of the four views go to tests/artifacts/. Plain ESM for node 18 and later.
// Missing node modules or browser are failures, not skips: `make deps` installs them.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  ROOT,
  SEGCONT,
  FAKEDS,
  CHROMIUM,
  ARTIFACTS,
  STEP_MS,
  OFFICE,
  KEY,
  NUMERO,
  check,
  fatal,
  freePort,
  sleep,
  waitFor,
  start,
  run,
  request,
  apiJson,
  isoDay,
  setUp,
  totalOf,
  signIn,
  signOut,
  nav,
  estadoFicha,
  waitEstado,
  checkNames,
  shot,
  launchBrowser,
  runMain,
} from './webharness.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// ---- the static route: content types, CSP, ETag and 304, gzip

async function checkStatic(port) {
  console.log('1. la página estática');
  const idx = await request(port, 'GET', '/');
  check(idx.status === 200, 'GET / responde 200');
  check(/^text\/html; charset=utf-8$/i.test(idx.headers['content-type'] || ''), 'GET / es text/html; charset=utf-8');
  check(idx.headers['content-security-policy'] === CSP, 'Content-Security-Policy estricta: ' + idx.headers['content-security-policy']);
  check(idx.headers['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options: nosniff');
  check(idx.headers['referrer-policy'] === 'no-referrer', 'Referrer-Policy: no-referrer');
  check(/no-cache/.test(idx.headers['cache-control'] || ''), 'Cache-Control: no-cache en index.html');
  const etag = idx.headers.etag || '';
  check(/^"[^"]+"$/.test(etag), 'ETag fuerte (' + etag + ')');
  check(idx.body.toString('utf8').includes('/static/app.js'), 'index.html carga /static/app.js');
  const again = await request(port, 'GET', '/', { 'If-None-Match': etag });
  check(again.status === 304 && again.body.length === 0, 'If-None-Match con el ETag da 304 sin cuerpo');
  check(again.headers.etag === etag, 'el 304 repite el ETag');
  const other = await request(port, 'GET', '/', { 'If-None-Match': '"otro"' });
  check(other.status === 200, 'otro ETag da 200');
  const js = await request(port, 'GET', '/static/app.js');
  check(js.status === 200 && /^text\/javascript/.test(js.headers['content-type'] || ''), '/static/app.js es text/javascript');
  check(!js.headers['content-encoding'], 'sin Accept-Encoding va sin comprimir');
  const gz = await request(port, 'GET', '/static/app.js', { 'Accept-Encoding': 'gzip, deflate, br' });
  check(gz.headers['content-encoding'] === 'gzip', 'con Accept-Encoding: gzip va comprimido');
  check(gz.headers.vary === 'Accept-Encoding', 'Vary: Accept-Encoding');
  check(gz.body.length < js.body.length && zlib.gunzipSync(gz.body).equals(js.body), 'el gzip descomprime al mismo archivo y es más pequeño');
  check(gz.headers.etag !== js.headers.etag, 'la versión gzip tiene su propio ETag');
  const css = await request(port, 'GET', '/static/app.css');
  check(/^text\/css/.test(css.headers['content-type'] || ''), '/static/app.css es text/css');
  const svg = await request(port, 'GET', '/static/icono.svg');
  check(svg.headers['content-type'] === 'image/svg+xml', '/static/icono.svg es image/svg+xml');
  for (const p of ['/static/no-existe.js', '/static/..%2fMakefile', '/index.html', '/static/']) {
    const r = await request(port, 'GET', p);
    check(r.status === 404, p + ' responde 404 (' + r.status + ')');
  }
  const post = await request(port, 'POST', '/', { 'Content-Type': 'application/json' }, '{}');
  check(post.status === 405, 'POST / responde 405');
}

async function browserTest(env) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const page = await launchBrowser();

  // What may legitimately fail: only the one stale edit this test provokes (409). Every route
  // the page calls (indicators, export, discrepancies, the reparto suggestion) must answer.
  const expectedUrls = new Set();
  let conflictsAllowed = 0;
  const expected = (url, status, method) => {
    if (status === 409 && method === 'PATCH' && conflictsAllowed > 0) {
      conflictsAllowed -= 1;
      return true;
    }
    return false;
  };
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (expected(r.url(), r.status(), r.request().method())) {
      expectedUrls.add(r.url());
      console.log('  (esperado) ' + r.request().method() + ' ' + new URL(r.url()).pathname + ' -> ' + r.status());
    } else {
      fatal('respuesta inesperada ' + r.status() + ' a ' + r.request().method() + ' ' + r.url());
    }
  });
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const loc = m.location() || {};
    if (m.type() === 'error' && /^Failed to load resource/.test(m.text()) && expectedUrls.has(loc.url)) return;
    if (m.type() === 'warning') {
      console.log('  (aviso de la consola) ' + m.text());
      return;
    }
    fatal('error en la consola: ' + m.text() + ' ' + (loc.url || ''));
  });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  page.on('requestfailed', (r) => fatal('solicitud fallida: ' + r.method() + ' ' + r.url() + ' ' + (r.failure() || {}).errorText));

  const { director, a1, a2 } = env.users;

  console.log('2. la Directora reparte un radicado');
  await signIn(page, base, director);
  check(await page.getByLabel('Estado').inputValue() === 'recibido', 'la bandeja de la Dirección abre en los radicados sin repartir');
  const total0 = await totalOf(page);
  check(total0 > 3, 'hay radicados sin repartir (' + total0 + ')');
  // the oldest one that the document system has not annulled (an annulled one takes no reparto)
  const row = page.locator('#tabla-bandeja tbody tr').filter({ hasNot: page.locator('.e-anulado') }).first();
  const numero = await row.getAttribute('data-numero');
  const area = await row.locator('td.area').textContent();
  check(numero === NUMERO, 'el primer radicado es ' + numero + ' del área ' + area);
  await row.getByRole('link', { name: numero }).click();
  await waitEstado(page, 'Recibido');
  await page.getByRole('button', { name: 'Repartir' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.waitFor();
  check(await dlg.locator('table').count() === 1, 'el diálogo de reparto muestra la carga de cada abogado');
  check(await dlg.locator('.sugerido').count() === 1 && await dlg.getByText('aún no está disponible').count() === 0,
    'el diálogo marca al abogado sugerido (GET /api/abogados/carga?tipo_tramite=)');
  await dlg.getByLabel(a1.nombre).check();
  await shot(page, 'reparto.png');
  await dlg.getByRole('button', { name: 'Repartir' }).click();
  await waitEstado(page, 'Repartido');
  check(await page.getByText(a1.nombre).first().isVisible(), 'la ficha muestra al abogado asignado');
  await page.getByRole('link', { name: '← Volver a la bandeja' }).click();
  await page.locator('#tabla-bandeja').waitFor();
  await page.locator('#total-radicados', { hasText: String(total0 - 1).replace(/\B(?=(\d{3})+(?!\d))/g, '.') }).waitFor();
  check(await totalOf(page) === total0 - 1, 'la bandeja sin repartir baja de ' + total0 + ' a ' + (total0 - 1));
  check(await page.locator('#tabla-bandeja tbody tr[data-numero="' + numero + '"]').count() === 0, 'el radicado repartido ya no está entre los sin repartir');
  await checkNames(page, 'la bandeja');
  await shot(page, 'bandeja.png');
  await nav(page, 'Tablero').click();
  await page.locator('#tabla-carga').waitFor();
  const cargaA1 = page.locator('#tabla-carga tr[data-abogado-id="' + a1.id + '"] td[data-col="carga"]');
  check((await cargaA1.textContent()) === '1', 'el tablero muestra 1 radicado abierto para ' + a1.nombre);
  await signOut(page);

  console.log('3. el abogado lo devuelve, lo reingresa y lo concluye');
  await signIn(page, base, a1);
  const mine = page.locator('#tabla-bandeja tbody tr');
  check(await mine.count() === 1 && (await mine.first().getAttribute('data-numero')) === numero, 'la bandeja del abogado muestra solo su radicado');
  check((await mine.first().locator('.estado').first().textContent()) === 'Repartido', 'la bandeja lo muestra «Repartido»');
  await mine.first().getByRole('link', { name: numero }).click();
  await waitEstado(page, 'Repartido');
  check(await page.getByRole('button', { name: /Repartir|Reasignar/ }).count() === 0, 'el abogado no ve la acción de reparto');
  await page.getByRole('button', { name: 'Registrar observación' }).focus();
  await page.keyboard.press('Enter');
  await dlg.waitFor();
  check(await dlg.evaluate((d) => d.contains(document.activeElement)), 'con el teclado: Enter abre el diálogo y el foco entra en él');
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  check(await page.getByRole('dialog').count() === 0, 'con el teclado: Escape cierra el diálogo sin registrar nada');
  await page.getByRole('button', { name: 'Devolver al área' }).click();
  await dlg.waitFor();
  await checkNames(page, 'el diálogo de devolución');
  await dlg.getByRole('button', { name: 'Devolver' }).click();
  check(await dlg.getByText('Este campo es obligatorio.').isVisible(), 'devolver sin observaciones no se permite');
  const obsDevolucion = 'Falta el certificado de disponibilidad presupuestal.';
  await dlg.getByLabel('Observaciones para el área (obligatorio)').fill(obsDevolucion);
  await dlg.getByRole('button', { name: 'Devolver' }).click();
  await waitEstado(page, 'Devuelto');
  check(await page.locator('section[aria-labelledby="titulo-historial"]').getByText(obsDevolucion).count() === 1, 'el historial muestra la devolución con sus observaciones');

  console.log('4. una edición obsoleta muestra el cambio del otro y deja repetir el propio');
  const leido = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(numero));
  const otro = await apiJson(env.httpPort, director.token, 'PATCH', '/api/radicados/' + encodeURIComponent(numero),
    { observaciones: 'Cambio de la Dirección mientras tanto', version: leido.json.seguimiento.version });
  check(otro.status === 200, 'la Directora cambia las observaciones por la API (' + otro.status + ')');
  conflictsAllowed = 1;
  await page.getByLabel('Observaciones', { exact: true }).fill('Observación del abogado');
  await page.getByRole('button', { name: 'Guardar seguimiento' }).click();
  const conflicto = page.locator('#titulo-conflicto');
  await conflicto.waitFor();
  const panel = page.locator('section.conflicto');
  check(await panel.getByText('Cambio de la Dirección mientras tanto').count() > 0, 'el aviso de conflicto muestra el cambio de la otra persona');
  check(await panel.getByText(director.nombre).count() > 0, 'y dice quién lo hizo');
  check(await panel.getByText('Observación del abogado').count() > 0, 'y el cambio propio que no se guardó');
  await page.getByRole('button', { name: 'Guardar mis cambios sobre la versión actual' }).click();
  await page.locator('#aviso', { hasText: 'Cambios guardados' }).waitFor();
  check(await page.getByLabel('Observaciones', { exact: true }).inputValue() === 'Observación del abogado', 'el cambio propio queda guardado tras decidirlo');
  const despues = await apiJson(env.httpPort, director.token, 'GET', '/api/radicados/' + encodeURIComponent(numero));
  const obsAud = despues.json.auditoria.filter((a) => a.campo === 'observaciones').map((a) => a.valor_nuevo);
  check(obsAud.includes('Cambio de la Dirección mientras tanto') && obsAud.includes('Observación del abogado'),
    'la auditoría guarda los dos cambios: nada se sobrescribió en silencio');
  check(conflictsAllowed === 0, 'hubo exactamente un 409');

  await page.getByRole('button', { name: 'Registrar reingreso' }).click();
  await dlg.waitFor();
  await dlg.getByRole('button', { name: 'Registrar reingreso' }).click();
  await waitEstado(page, 'En revisión');
  await page.getByRole('button', { name: 'Concluir' }).click();
  await dlg.waitFor();
  check(await dlg.getByLabel('Satisfactorio', { exact: true }).isChecked(), 'concluir propone «Satisfactorio»');
  await dlg.getByLabel('Nota de conclusión (opcional)').fill('Minuta revisada y aprobada.');
  await dlg.getByRole('button', { name: 'Concluir' }).click();
  await waitEstado(page, 'Concluido');
  const gestiones = (await apiJson(env.httpPort, a1.token, 'GET', '/api/radicados/' + encodeURIComponent(numero))).json.gestiones.map((g) => g.tipo);
  check(JSON.stringify(gestiones) === JSON.stringify(['reparto', 'devolucion', 'reingreso', 'conclusion']),
    'el servidor registró reparto, devolución, reingreso y conclusión: ' + gestiones.join(', '));
  await checkNames(page, 'la ficha');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'ficha.png');
  await page.screenshot({ path: path.join(ARTIFACTS, 'ficha-completa.png'), fullPage: true });

  console.log('5. la bandeja y el tablero lo reflejan');
  await nav(page, 'Bandeja').click();
  await page.locator('#tabla-bandeja').waitFor();
  const fila = page.locator('#tabla-bandeja tbody tr[data-numero="' + numero + '"]');
  check(await fila.count() === 0, 'la lista de trabajo del abogado (sus abiertos) ya no lo trae');
  await page.getByLabel('Solo abiertos').uncheck();
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await fila.waitFor();
  check((await fila.locator('.estado').first().textContent()) === 'Concluido', 'sin «Solo abiertos», la bandeja del abogado lo muestra «Concluido»');
  await nav(page, 'Tablero').click();
  await page.locator('#tabla-carga').waitFor();
  check((await cargaA1.textContent()) === '0', 'el tablero ya no cuenta el radicado como carga abierta');
  const sinIndicadores = await page.getByText('aún no están disponibles').count() > 0;
  if (sinIndicadores) {
    check(false, 'el tablero muestra los indicadores (dice que no están disponibles)');
  } else {
    const concl = page.locator('#tabla-carga tr[data-abogado-id="' + a1.id + '"] td[data-col="concluidos"]');
    check((await concl.textContent()) === '1', 'el tablero cuenta 1 concluido para ' + a1.nombre);
    const dev = page.locator('#tabla-areas tr', { hasText: area }).locator('td[data-col="devoluciones"]');
    check(Number(await dev.first().textContent()) >= 1, 'el tablero cuenta la devolución del área ' + area);
    check(await page.locator('figure.grafico svg').count() >= 4, 'el tablero dibuja sus gráficos');
  }
  const descarga = page.waitForEvent('download', { timeout: STEP_MS }).catch(() => null);
  await page.getByRole('button', { name: 'Descargar CSV' }).click();
  const noDisponible = page.locator('#aviso', { hasText: 'aún no está disponible' });
  const dl = await Promise.race([descarga, noDisponible.waitFor().then(() => null)]);
  if (dl) {
    check(/\.csv$/.test(dl.suggestedFilename()), 'la descarga CSV se llama ' + dl.suggestedFilename());
    const csv = fs.readFileSync(await dl.path(), 'utf8');
    check(csv.includes(numero), 'el CSV descargado incluye el radicado');
  } else {
    check(false, 'la descarga CSV llega (la página dice que la exportación no está disponible)');
  }
  await checkNames(page, 'el tablero');
  await shot(page, 'tablero.png');

  console.log('6. conciliación');
  await nav(page, 'Conciliación').click();
  await page.getByRole('heading', { name: 'Conciliación', level: 1 }).waitFor();
  await page.locator('.nota, .discrepancias').first().waitFor();
  check(await page.locator('.nota, .discrepancias').count() > 0, 'la conciliación muestra las discrepancias o dice que no hay o que no está disponible');
  await checkNames(page, 'la conciliación');
  await shot(page, 'conciliacion.png');
  await signOut(page);

  console.log('7. otro abogado no puede actuar sobre un radicado ajeno');
  await signIn(page, base, a2);
  await page.goto(base + '/#/radicado/' + encodeURIComponent(numero));
  await waitEstado(page, 'Concluido');
  check(await page.getByRole('button', { name: /Repartir|Reasignar|Devolver|Concluir|Reabrir/ }).count() === 0, 'el otro abogado no ve acciones');
  check(await page.getByRole('button', { name: /^Guardar/ }).count() === 0, 'ni botones para guardar cambios');
  await signOut(page);

  console.log('8. la Directora resuelve una discrepancia de la conciliación');
  await signIn(page, base, director);
  await nav(page, 'Conciliación').click();
  await page.locator('.nota, #tabla-conciliacion').first().waitFor();
  const rows = '#tabla-conciliacion tbody tr[data-id]';
  const items = page.locator(rows);
  const n = await items.count();
  if (check(n > 0, 'la conciliación del arranque dejó discrepancias abiertas (' + n + ')')) {
    const numeroDisc = await items.first().locator('td a').first().textContent();
    const idDisc = await items.first().getAttribute('data-id');
    await items.first().getByRole('button', { name: 'Resolver', exact: true }).click();
    await dlg.waitFor();
    await dlg.getByRole('button', { name: 'Marcar como resuelta' }).click();
    check(await dlg.getByText('Escriba la nota.').isVisible(), 'resolver sin nota no se permite');
    await dlg.getByLabel('Nota de resolución (obligatoria)').fill('Revisado con el área: no requiere cambios.');
    await dlg.getByRole('button', { name: 'Marcar como resuelta' }).click();
    await page.locator('#aviso', { hasText: 'resuelta' }).waitFor();
    await page.locator('.nota, #tabla-conciliacion').first().waitFor();
    check(await page.locator(rows + '[data-id="' + idDisc + '"]').count() === 0,
      'la discrepancia del radicado ' + numeroDisc + ' sale de las abiertas');
    await page.getByRole('button', { name: 'Resueltas' }).click();
    await page.locator(rows, { hasText: 'Revisado con el área' }).first().waitFor();
    check(true, 'aparece entre las resueltas con su nota');
  }
  await signOut(page);
}

await runMain(240000, async (env) => {
  await checkStatic(env.httpPort);
  await browserTest(env);
});
