// test_web_actividad.mjs -- the Tablero counts by activity: six filings received last month are
// assigned today (three concluded, two returned) through the API; in Debian's Chromium the
// Director's Tablero opens on the current month under base «actividad», says so, and shows
// today's work; switching to «radicación» shows the other meaning (none of that work, since
// those filings were received last month), and the choice survives a reload.
// Run: node tests/integration/test_web_actividad.mjs (after make all).
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { check, apiJson, signIn, nav, checkNames, shot, launchBrowser, runMain } from './webharness.mjs';

function sql(work, text) {
  const r = spawnSync('sqlite3', [path.join(work, 'segcont.db'), text], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error('sqlite3 falló: ' + r.stderr);
  return r.stdout.trim();
}

const cifra = (page, id) => page.locator('.tarjeta[data-cifra="' + id + '"] .cifra');
const dmy = (iso) => iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4);

await runMain(180000, async (env, work) => {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1, a2 } = env.users;
  const today = new Date(Date.now() - 5 * 3600 * 1000).toISOString().slice(0, 10);
  const monthStart = today.slice(0, 8) + '01';
  const lastMonth = new Date(Date.parse(monthStart + 'T12:00:00Z') - 20 * 86400 * 1000).toISOString().slice(0, 10);

  console.log('1. seis radicados del mes pasado, repartidos hoy; tres concluidos y dos devueltos');
  const numeros = sql(work, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id" +
    " WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.fecha_radicacion DESC, r.id LIMIT 6").split('\n');
  check(numeros.length === 6, 'hay 6 radicados recibidos vigentes (' + numeros.length + ')');
  // Their filing date moves to last month, whatever day of the month the test runs.
  sql(work, "UPDATE radicado SET fecha_radicacion = '" + lastMonth + "T09:00:00-05:00' WHERE numero IN (" +
    numeros.map((x) => "'" + x.replace(/'/g, "''") + "'").join(', ') + ')');
  let ok = 0;
  for (const [i, numero] of numeros.entries()) {
    const r = await apiJson(env.httpPort, director.token, 'POST', '/api/radicados/' + encodeURIComponent(numero) + '/reparto',
      { abogado_id: i % 2 ? a2.id : a1.id });
    ok += r.status === 200;
  }
  check(ok === 6, '6 repartos hechos hoy por la API (' + ok + ')');
  ok = 0;
  for (const numero of numeros.slice(0, 3)) {
    const r = await apiJson(env.httpPort, director.token, 'POST', '/api/radicados/' + encodeURIComponent(numero) + '/gestiones',
      { tipo: 'conclusion', satisfactorio: true, texto: 'Concluido hoy' });
    ok += r.status === 201;
  }
  for (const numero of numeros.slice(3, 5)) {
    const r = await apiJson(env.httpPort, director.token, 'POST', '/api/radicados/' + encodeURIComponent(numero) + '/gestiones',
      { tipo: 'devolucion', texto: 'Falta el estudio previo' });
    ok += r.status === 201;
  }
  check(ok === 5, '3 conclusiones y 2 devoluciones hechas hoy (' + ok + ')');
  const rad = await apiJson(env.httpPort, director.token, 'GET', '/api/indicadores?desde=' + monthStart + '&hasta=' + today + '&base=radicacion');
  check(rad.status === 200, 'los indicadores por radicación del mes responden 200');
  const recibidosMes = rad.json.oficina.recibidos.n;

  console.log('2. el Tablero abre en el mes en curso, por actividad, y lo dice');
  const page = await launchBrowser();
  await signIn(page, base, director);
  await nav(page, 'Tablero').click();
  await page.locator('#tabla-carga').waitFor();
  const criterio = page.locator('#criterio-tablero');
  check((await criterio.getAttribute('data-base')) === 'actividad', 'el Tablero abre con base actividad');
  const texto = await criterio.textContent();
  check(texto.includes('Base: actividad') && texto.includes('sea cual sea la fecha de radicación'),
    'el Tablero dice que cuenta lo hecho en el periodo: «' + texto + '»');
  check(texto.includes(dmy(monthStart)) && texto.includes(dmy(today)), 'y el periodo es el mes en curso (' + dmy(monthStart) + ' a ' + dmy(today) + ')');
  check(await page.getByLabel('Desde').inputValue() === dmy(monthStart) && await page.getByLabel('Hasta').inputValue() === dmy(today),
    'los campos del periodo muestran el mes en curso');
  check(await page.getByRole('radio', { name: 'Lo hecho en el periodo' }).isChecked(), 'el control de base marca «Lo hecho en el periodo»');
  check(await cifra(page, 'repartidos').textContent() === '6', 'Repartidos: 6 (' + await cifra(page, 'repartidos').textContent() + ')');
  check(await cifra(page, 'concluidos').textContent() === '3', 'Concluidos: 3 (' + await cifra(page, 'concluidos').textContent() + ')');
  check(await cifra(page, 'devoluciones').textContent() === '2', 'Devoluciones: 2 (' + await cifra(page, 'devoluciones').textContent() + ')');
  check(/\d día/.test(await cifra(page, 'hasta_reparto').textContent()), 'muestra el tiempo hasta el reparto: ' + await cifra(page, 'hasta_reparto').textContent());
  const concA1 = page.locator('#tabla-carga tr[data-abogado-id="' + a1.id + '"] td[data-col="concluidos"]');
  check(await concA1.textContent() === '2', a1.nombre + ' concluyó 2 hoy (' + await concA1.textContent() + ')');
  await checkNames(page, 'el tablero por actividad');
  await shot(page, 'tablero-actividad.png');

  console.log('3. por fecha de radicación, la misma página muestra el otro significado');
  await page.getByRole('radio', { name: 'Lo radicado en el periodo' }).check();
  await page.locator('#criterio-tablero[data-base="radicacion"]').waitFor();
  check((await criterio.textContent()).includes('Base: fecha de radicación'), 'el Tablero dice que cuenta por fecha de radicación');
  check(await cifra(page, 'repartidos').textContent() === '0', 'Repartidos: 0 (los seis se radicaron el mes pasado)');
  check(await cifra(page, 'concluidos').textContent() === '0', 'Concluidos: 0');
  check(await cifra(page, 'devoluciones').textContent() === '0', 'Devoluciones: 0');
  check(await cifra(page, 'recibidos').textContent() === String(recibidosMes).replace(/\B(?=(\d{3})+(?!\d))/g, '.'),
    'Recibidos: los ' + recibidosMes + ' radicados del mes, como la API');
  await page.reload();
  await page.locator('#criterio-tablero').waitFor();
  check((await page.locator('#criterio-tablero').getAttribute('data-base')) === 'radicacion' &&
    await page.getByRole('radio', { name: 'Lo radicado en el periodo' }).isChecked(), 'al recargar sigue por fecha de radicación');
  await page.getByRole('radio', { name: 'Lo hecho en el periodo' }).check();
  await page.locator('#criterio-tablero[data-base="actividad"]').waitFor();
  check(await cifra(page, 'repartidos').textContent() === '6', 'de vuelta a actividad: Repartidos 6');
});
