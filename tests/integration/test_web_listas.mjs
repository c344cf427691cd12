// test_web_listas.mjs -- worklists and views you can share, in headless Chromium against
// `segcont serve` (webharness.mjs): a lawyer opens on their own open filings by fecha límite
// (the order the API gives for the same filters); «Vencidos» and «Por vencer» count under the
// filters in force (theirs, not the office's) and, clicked, filter by themselves keeping the
// other filters; a narrower filter changes the counts; the view's address pasted in a new tab
// (after signing in), a reload and back/forward restore the filters, the order and the rows;
// the scroll position comes back after a ficha and after a reload; apoyo's «Pendientes de
// legalización» shows the signed contracts that miss something and what. Plain ESM, node 18+.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  check,
  fatal,
  apiJson,
  run,
  sleep,
  signIn,
  signOut,
  checkNames,
  shot,
  launchBrowser,
  runMain,
} from './webharness.mjs';

const filas = (page) => page.locator('#tabla-bandeja tbody tr[data-numero]');
const numeros = async (page) => filas(page).evaluateAll((trs) => trs.map((t) => t.dataset.numero));
const cifra = async (page, id) => Number((await page.locator('.tarjeta[data-cifra="' + id + '"] .cifra').textContent()).replace(/\./g, ''));
const hashParams = (page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] || '');

function sql(db, text) {
  const r = spawnSync('sqlite3', [db, text], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error('sqlite3: ' + r.stderr);
  return r.stdout.trim();
}

// The API's rows for the same filters, in its order.
async function apiNumeros(env, token, qs) {
  const r = await apiJson(env.httpPort, token, 'GET', '/api/radicados?' + qs + '&por_pagina=100');
  return r.json.radicados.map((x) => x.numero);
}

async function esperarFilas(page, esperadas, what) {
  try {
    await page.waitForFunction((n) => {
      const got = [...document.querySelectorAll('#tabla-bandeja tbody tr[data-numero]')].map((t) => t.dataset.numero);
      return JSON.stringify(got) === JSON.stringify(n);
    }, esperadas, { timeout: 15000 });
  } catch (e) {
    // the check below says what differs
  }
  const got = await numeros(page);
  check(JSON.stringify(got) === JSON.stringify(esperadas), what + (JSON.stringify(got) === JSON.stringify(esperadas) ? '' : ': ' + got.join(',') + ' ≠ ' + esperadas.join(',')));
}

async function browserTest(env, work) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const db = path.join(work, 'segcont.db');
  const { director, a1, a2 } = env.users;
  const ap = run(['user', 'add', '-c', env.conf, '--nombre', 'Apoyo Dora Díaz', '--rol', 'apoyo', '--json']);
  check(ap.status === 0, 'se crea el usuario de apoyo');
  const apoyo = Object.assign({ nombre: 'Apoyo Dora Díaz', rol: 'apoyo' }, JSON.parse(ap.stdout));

  console.log('0. los datos: 8 radicados de ' + a1.nombre + ' (3 vencidos, 1 concluido) y 4 de ' + a2.nombre + ' (1 vencido)');
  const libres = (await apiJson(env.httpPort, director.token, 'GET', '/api/radicados?estado=recibido&orden=fecha&por_pagina=100'))
    .json.radicados.filter((r) => r.estado_ds !== 'anulado').map((r) => r.numero);
  check(libres.length >= 12, 'hay 12 radicados sin repartir (' + libres.length + ')');
  const mios = libres.slice(0, 8);
  const otros = libres.slice(8, 12);
  const rep = await apiJson(env.httpPort, director.token, 'POST', '/api/reparto', {
    asignaciones: mios.map((numero) => ({ numero, abogado_id: a1.id })).concat(otros.map((numero) => ({ numero, abogado_id: a2.id }))),
  });
  check(rep.status === 200, 'reparto de 12 (' + rep.status + ')');
  const vencidosMios = mios.slice(0, 3);
  const when = new Date(Date.now() - 90 * 86400000).toISOString().slice(0, 19) + '.000Z';
  const lista = vencidosMios.concat([otros[0]]).map((n) => "'" + n + "'").join(',');
  sql(db, "UPDATE gestion SET fecha = '" + when + "' WHERE tipo = 'reparto' AND radicado_id IN (SELECT id FROM radicado WHERE numero IN (" + lista + '));' +
    "UPDATE seguimiento SET fecha_reparto = '" + when + "' WHERE radicado_id IN (SELECT id FROM radicado WHERE numero IN (" + lista + '));');
  await sleep(400); // the server rereads SQLite's data_version
  const concluido = mios[7];
  const c = await apiJson(env.httpPort, a1.token, 'POST', '/api/radicados/' + encodeURIComponent(concluido) + '/gestiones', { tipo: 'conclusion', satisfactorio: true });
  check(c.status === 200 || c.status === 201, 'un radicado de ' + a1.nombre + ' concluido (' + c.status + ')');
  // two signed contracts: one complete, one with only the RP
  const hoy = new Date(Date.now() - 5 * 3600000).toISOString().slice(0, 10);
  for (const [numero, body] of [[mios[5], { numero_contrato: 'CT-001', fecha_suscripcion: hoy, fecha_rp: hoy, fecha_aprobacion_garantias: hoy, fecha_arl: hoy, fecha_acta_inicio: hoy, publicado_secop: true }],
    [mios[6], { numero_contrato: 'CT-002', fecha_suscripcion: hoy, fecha_rp: hoy }]]) {
    const f = await apiJson(env.httpPort, a1.token, 'GET', '/api/radicados/' + encodeURIComponent(numero));
    const p = await apiJson(env.httpPort, a1.token, 'PATCH', '/api/radicados/' + encodeURIComponent(numero), Object.assign({ version: f.json.seguimiento.version }, body));
    check(p.status === 200, 'contrato de ' + numero + ' (' + p.status + ')');
  }

  const page = await launchBrowser();
  page.on('console', (m) => {
    if (m.type() === 'error') fatal('error en la consola: ' + m.text());
  });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));

  console.log('1. el abogado abre en sus radicados abiertos, por fecha límite');
  await signIn(page, base, a1);
  let hp = hashParams(page);
  check(hp.get('abogado_id') === String(a1.id) && hp.get('abiertos') === '1' && hp.get('orden') === 'fecha_limite',
    'la dirección dice la vista: ' + new URL(page.url()).hash);
  const esperado = await apiNumeros(env, a1.token, 'abogado_id=' + a1.id + '&abiertos=1&orden=fecha_limite');
  check(esperado.length === 7 && !esperado.includes(concluido), 'la API da sus 7 abiertos, sin el concluido');
  check(JSON.stringify(esperado.slice(0, 3).sort()) === JSON.stringify([...vencidosMios].sort()), 'los vencidos primero');
  await esperarFilas(page, esperado, 'la bandeja muestra sus 7 abiertos en el orden de la fecha límite');
  const limites = await page.locator('#tabla-bandeja tbody td.limite').allTextContents();
  const iso = limites.map((t) => t.split('/').reverse().join('-'));
  check(limites.length === 7 && iso.every((x) => /^\d{4}-\d{2}-\d{2}$/.test(x)) && JSON.stringify(iso) === JSON.stringify([...iso].sort()),
    'la columna «Fecha límite» va de la más próxima a la más lejana: ' + limites.join(' '));
  check(await page.locator('th[aria-sort="ascending"]', { hasText: 'Fecha límite' }).count() === 1, 'el encabezado «Fecha límite» marca el orden');
  check(await cifra(page, 'vencidos') === 3, '«Vencidos» cuenta los 3 suyos, no los 4 de la oficina (' + await cifra(page, 'vencidos') + ')');
  const porVencer0 = await cifra(page, 'por_vencer');
  check(await page.getByText('Sus radicados abiertos, del plazo más próximo al más lejano.').count() === 1, 'el subtítulo dice la vista');
  await checkNames(page, 'la bandeja del abogado');

  console.log('2. «Vencidos» filtra y conserva los demás filtros');
  await page.locator('.tarjeta[data-cifra="vencidos"]').click();
  await esperarFilas(page, esperado.slice(0, 3), 'quedan sus 3 vencidos');
  hp = hashParams(page);
  check(hp.get('semaforo') === 'vencido' && hp.get('abogado_id') === String(a1.id) && hp.get('abiertos') === '1' && hp.get('orden') === 'fecha_limite',
    'la dirección conserva abogado, abiertos y orden, y añade el semáforo');
  check(await page.getByLabel('Abogado').inputValue() === String(a1.id) && await page.getByLabel('Semáforo').inputValue() === 'vencido',
    'el formulario muestra los filtros en vigor');
  check(await page.locator('.tarjeta[data-cifra="vencidos"]').getAttribute('aria-pressed') === 'true', '«Vencidos» queda marcado');
  check(await cifra(page, 'vencidos') === 3 && await cifra(page, 'por_vencer') === porVencer0, 'los contadores no cambian por su propio filtro');
  const urlVencidos = page.url();
  await shot(page, 'listas-vencidos.png');

  console.log('3. un filtro más estrecho cambia los contadores');
  await page.getByLabel('Buscar').fill(vencidosMios[1]);
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await esperarFilas(page, [vencidosMios[1]], 'el número buscado entre sus vencidos');
  check(await cifra(page, 'vencidos') === 1, '«Vencidos» sigue el filtro: 1');

  console.log('4. atrás y adelante');
  await page.goBack();
  await esperarFilas(page, esperado.slice(0, 3), 'atrás: los 3 vencidos otra vez');
  check(await page.getByLabel('Buscar').inputValue() === '' && await cifra(page, 'vencidos') === 3, 'atrás: sin la búsqueda, 3 vencidos');
  await page.goBack();
  await esperarFilas(page, esperado, 'atrás otra vez: la vista inicial');
  check(await page.getByLabel('Semáforo').inputValue() === '', 'sin semáforo');
  await page.goForward();
  await esperarFilas(page, esperado.slice(0, 3), 'adelante: los vencidos');
  // the order by the header, then back
  await page.getByRole('button', { name: 'Fecha límite' }).click();
  const inverso = await apiNumeros(env, a1.token, 'abogado_id=' + a1.id + '&abiertos=1&semaforo=vencido&orden=-fecha_limite');
  await esperarFilas(page, inverso, 'el encabezado pide el orden inverso (el de la API)');
  check(hashParams(page).get('orden') === '-fecha_limite', 'el orden inverso en la dirección');
  await page.goBack();
  await esperarFilas(page, esperado.slice(0, 3), 'atrás: el orden de antes');

  console.log('5. recargar y pegar el enlace');
  await page.reload();
  await esperarFilas(page, esperado.slice(0, 3), 'tras recargar, la misma vista');
  check(page.url() === urlVencidos, 'la misma dirección tras recargar');
  const otra = await page.context().newPage();
  await otra.goto(urlVencidos);
  await otra.getByLabel('Token personal').fill(a1.token);
  await otra.getByRole('button', { name: 'Ingresar' }).click();
  await otra.locator('#tabla-bandeja').waitFor();
  await esperarFilas(otra, esperado.slice(0, 3), 'el enlace pegado en otra pestaña (tras ingresar) da la misma vista');
  check(await otra.getByLabel('Semáforo').inputValue() === 'vencido' && await otra.getByLabel('Solo abiertos').isChecked(), 'con sus filtros en el formulario');
  await otra.close();
  // the same link opened by the Director: the same filings (the address says the whole view)
  await signOut(page);
  await signIn(page, base, director);
  await page.goto(urlVencidos);
  await esperarFilas(page, esperado.slice(0, 3), 'la Directora con el mismo enlace ve los mismos 3');

  console.log('6. la posición de desplazamiento vuelve');
  await page.goto(base + '/#/bandeja?orden=fecha&por_pagina=100');
  await filas(page).nth(40).waitFor();
  // scrolled until the page has kept the position (bandeja.js saves it 150 ms after a scroll,
  // and not while the view is still drawn: under load a single scroll can land then)
  await page.waitForFunction(() => {
    window.scrollTo(0, window.scrollY === 900 ? 901 : 900);
    return history.state && history.state.scrollY > 500 && Math.abs(history.state.scrollY - window.scrollY) < 2;
  }, null, { polling: 300, timeout: 10000 }).catch(() => {});
  const y0 = await page.evaluate(() => window.scrollY);
  check(y0 > 500, 'la página se desplaza (' + y0 + ' px)');
  await filas(page).nth(25).getByRole('link').click();
  await page.locator('#estado-ficha').waitFor();
  await page.goBack();
  await filas(page).nth(40).waitFor();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, y0, { timeout: 5000 }).catch(() => {});
  const y1 = await page.evaluate(() => window.scrollY);
  check(Math.abs(y1 - y0) < 5, 'al volver de la ficha, la misma posición (' + y1 + ' px, antes ' + y0 + ')');
  await page.reload();
  await filas(page).nth(40).waitFor();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, y0, { timeout: 5000 }).catch(() => {});
  const y2 = await page.evaluate(() => window.scrollY);
  check(Math.abs(y2 - y0) < 5, 'tras recargar, la misma posición (' + y2 + ' px)');
  await signOut(page);

  console.log('7. apoyo: pendientes de legalización, y qué falta');
  await signIn(page, base, apoyo);
  check(await cifra(page, 'legalizacion') === 1, '«Pendientes de legalización»: 1');
  await page.locator('.tarjeta[data-cifra="legalizacion"]').click();
  await esperarFilas(page, [mios[6]], 'solo el contrato que no está completo');
  check(hashParams(page).get('legalizacion_pendiente') === '1', 'en la dirección');
  const faltan = await page.locator('#tabla-bandeja tbody tr[data-numero="' + mios[6] + '"] .lista-faltantes li').allTextContents();
  check(JSON.stringify(faltan) === JSON.stringify(['Garantías', 'ARL', 'Acta de inicio', 'SECOP']), 'dice qué falta: ' + faltan.join(', '));
  check(await page.locator('th', { hasText: 'Falta por legalizar' }).count() === 1, 'la columna «Falta por legalizar»');
  await checkNames(page, 'la bandeja de apoyo');
  await shot(page, 'listas-legalizacion.png');
  check(await page.evaluate(() => localStorage.length) === 0, 'nada en localStorage');
  await signOut(page);
}

await runMain(240000, async (env, work) => {
  await browserTest(env, work);
});
