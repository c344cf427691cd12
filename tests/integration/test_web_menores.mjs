// test_web_menores.mjs -- issue 13's smaller points of the staff page, in Debian's Chromium
// against `segcont serve` on a synced database (webharness.mjs), with the data made by the API
// and by SQL on the real database: a count of one reads in the singular («1 día», «hace 1
// hora») and others in the plural; a figure of a thousand or more is written with a dot
// («1.234 / 10» days used of a filing assigned five years ago); a concluded filing shows the
// days it used and whether it met the target, never «días restantes», and neither does an
// archived one; with the sync degraded the footer gives the date as dd/mm/aaaa hh:mm, never an
// ISO string; at 390 px the ficha has Acciones first on screen and in the document (Tab order),
// a 200-character word in the asunto, the observaciones and a gestión's note wraps, and the page
// is never wider than the window. Fails on any console error, page error or HTTP status >= 400
// (but the 503 of /healthz the degraded sync asks for).
// Run: node tests/integration/test_web_menores.mjs (after make all).
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { check, fatal, apiJson, request, signIn, shot, sleep, launchBrowser, runMain } from './webharness.mjs';

const miles = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const PALABRA = 'EXPEDIENTE' + 'x0123456789'.repeat(18) + 'FIN'; // 211 characters, no space

function sql(work, text) {
  const r = spawnSync('sqlite3', [path.join(work, 'segcont.db'), text], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error('sqlite3 falló: ' + r.stderr);
  return r.stdout.trim();
}
const q = (s) => "'" + String(s).replace(/'/g, "''") + "'";

// An instant in Bogotá as the server stores it, and as the page writes it.
function bogota(ms) {
  return new Date(ms - 5 * 3600 * 1000).toISOString().slice(0, 19) + '-05:00';
}
const legible = (iso) => iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4) + ' ' + iso.slice(11, 16);

// Moves a filing's reparto back to the given instant (gestión and seguimiento alike).
function repartoEl(work, numero, iso) {
  const id = '(SELECT id FROM radicado WHERE numero = ' + q(numero) + ')';
  sql(work, "UPDATE gestion SET fecha = " + q(iso) + " WHERE tipo = 'reparto' AND radicado_id = " + id + ';' +
    'UPDATE seguimiento SET fecha_reparto = ' + q(iso) + ' WHERE radicado_id = ' + id + ';');
}

async function ficha(env, token, numero) {
  const r = await apiJson(env.httpPort, token, 'GET', '/api/radicados/' + encodeURIComponent(numero));
  if (r.status !== 200) throw new Error('GET ficha ' + numero + ': ' + r.status);
  return r.json;
}

async function datosDePrueba(env, work) {
  const { director, a1, a2 } = env.users;
  const port = env.httpPort;
  const libres = (await apiJson(port, director.token, 'GET', '/api/radicados?estado=recibido&orden=fecha&por_pagina=100'))
    .json.radicados.filter((r) => r.estado_ds === 'vigente').map((r) => r.numero);
  check(libres.length >= 4, 'hay radicados sin repartir y vigentes (' + libres.length + ')');
  const [concluido, viejo, archivado] = libres.slice(-3);
  const rep = await apiJson(port, director.token, 'POST', '/api/reparto',
    { asignaciones: [{ numero: concluido, abogado_id: a1.id }, { numero: viejo, abogado_id: a2.id }] });
  check(rep.status === 200, 'reparto de dos radicados (' + rep.status + ')');

  // concluded after exactly one business day: its reparto goes back one calendar day at a time
  const c = await apiJson(port, director.token, 'POST', '/api/radicados/' + encodeURIComponent(concluido) + '/gestiones',
    { tipo: 'conclusion', satisfactorio: true, texto: 'Concluido' });
  check(c.status === 201, 'el radicado ' + concluido + ' se concluye (' + c.status + ')');
  let sla = null;
  for (let k = 1; k <= 7; k++) {
    repartoEl(work, concluido, bogota(Date.now() - k * 86400000));
    await sleep(300); // the server rereads SQLite's data_version
    sla = (await ficha(env, director.token, concluido)).sla;
    if (sla.dias_usados === 1) break;
  }
  check(sla && sla.dias_usados === 1 && sla.reloj === 'detenido', 'el concluido usó 1 día hábil (' + (sla && sla.dias_usados) + ', reloj ' + (sla && sla.reloj) + ')');

  // assigned five years ago and still open: more than a thousand business days
  repartoEl(work, viejo, bogota(Date.now() - 5 * 365 * 86400000));
  await sleep(300);
  const fv = await ficha(env, director.token, viejo);
  check(fv.sla.dias_usados >= 1000, 'el radicado ' + viejo + ' lleva ' + fv.sla.dias_usados + ' días hábiles');
  // a 200-character word in the asunto, the observaciones and a gestión's note
  sql(work, 'UPDATE radicado SET asunto = ' + q('Solicitud ' + PALABRA + ' del área') + ' WHERE numero = ' + q(viejo));
  await sleep(300);
  const p = await apiJson(port, director.token, 'PATCH', '/api/radicados/' + encodeURIComponent(viejo),
    { version: fv.seguimiento.version, observaciones: 'Ver ' + PALABRA });
  check(p.status === 200, 'las observaciones llevan la palabra de ' + PALABRA.length + ' caracteres (' + p.status + ')');
  const o = await apiJson(port, director.token, 'POST', '/api/radicados/' + encodeURIComponent(viejo) + '/gestiones',
    { tipo: 'observacion', texto: 'Anexo ' + PALABRA });
  check(o.status === 201, 'una observación con la palabra larga (' + o.status + ')');

  const a = await apiJson(port, director.token, 'POST', '/api/radicados/' + encodeURIComponent(archivado) + '/gestiones',
    { tipo: 'archivo', motivo: 'Derecho de petición, no es contratación' });
  check(a.status === 201, 'el radicado ' + archivado + ' se archiva (' + a.status + ')');
  return { concluido, viejo, archivado, meta: sla.meta, usadosViejo: fv.sla.dias_usados, metaViejo: fv.sla.meta };
}

// The sync degraded since 61 minutes ago, once the serve's first pass is over (a pass that
// succeeds would clear it).
async function degradar(env, work) {
  for (let i = 0; i < 100; i++) {
    const h = JSON.parse((await request(env.httpPort, 'GET', '/healthz')).body.toString('utf8'));
    if (!(h.sync && h.sync.en_curso)) break;
    await sleep(100);
  }
  const desde = bogota(Date.now() - 61 * 60000);
  sql(work, 'UPDATE sync_estado SET degradado_desde = ' + q(desde) + ' WHERE id = 1');
  await sleep(300);
  const r = await request(env.httpPort, 'GET', '/healthz');
  const h = JSON.parse(r.body.toString('utf8'));
  check(r.status === 503 && h.estado === 'degradado' && h.mensaje.includes(desde), '/healthz dice «' + h.mensaje + '» (' + r.status + ')');
  return desde;
}

const sla = (page) => page.locator('section[aria-labelledby="titulo-sla"]');
const dd = (page, termino) => sla(page).locator('dt', { hasText: termino }).locator('xpath=following-sibling::dd[1]');

async function abrirFicha(page, numero) {
  await page.evaluate((n) => { location.hash = '#/radicado/' + encodeURIComponent(n); }, numero);
  await page.locator('#vista h1', { hasText: numero }).waitFor();
  await page.locator('#vista:not([aria-busy])').waitFor();
}

async function filaBandeja(page, numero) {
  await page.evaluate((n) => { location.hash = '#/bandeja?q=' + encodeURIComponent(n) + '&orden=fecha'; }, numero);
  const fila = page.locator('#tabla-bandeja tbody tr[data-numero="' + numero + '"]');
  await fila.waitFor();
  return fila;
}

async function body(env, work) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const d = await datosDePrueba(env, work);
  const desde = await degradar(env, work);

  const page = await launchBrowser();
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/503/.test(m.text())) fatal('error en la consola: ' + m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(r.status() === 503 && new URL(r.url()).pathname === '/healthz')) fatal('respuesta inesperada ' + r.status() + ' a ' + r.url());
  });
  const { director } = env.users;

  console.log('1. el pie con la sincronización degradada');
  await signIn(page, base, director);
  const pie = page.locator('#pie-sync');
  await page.locator('#pie-sync.alerta').waitFor();
  const tpie = await pie.textContent();
  check(tpie.includes('degradada desde el ' + legible(desde) + ' (hace 1 hora)'), 'el pie dice la fecha legible y «hace 1 hora»: «' + tpie + '»');
  check(!/\d{4}-\d{2}-\d{2}T/.test(tpie), 'el pie no muestra una fecha ISO');
  await shot(page, 'menores-pie.png');

  console.log('2. el Tablero: «1 día» en singular, miles con punto');
  await page.getByRole('navigation', { name: 'Secciones' }).getByRole('link', { name: 'Tablero' }).click();
  await page.locator('#tabla-carga').waitFor();
  const mediana = await page.locator('.tarjeta[data-cifra="mediana"] .cifra').textContent();
  check(mediana === '1 día', 'la mediana de respuesta dice «1 día» (' + mediana + ')');
  const filaV = page.locator('#vista table tr', { has: page.getByRole('link', { name: d.viejo, exact: true }) }).first();
  await filaV.waitFor();
  const tv = await filaV.textContent();
  const esperado = miles(d.usadosViejo) + ' / ' + d.metaViejo;
  check(tv.includes(esperado) && /\d\.\d{3} \//.test(esperado), 'la lista de vencidos dice «' + esperado + '» con punto de miles');
  const titVencidos = await page.locator('#vista caption', { hasText: /^Vencidos \(/ }).textContent();
  check(/^Vencidos \(\d+\)$/.test(titVencidos), 'el título de la lista es «' + titVencidos + '»');

  console.log('3. la ficha y la fila del radicado de más de mil días');
  await abrirFicha(page, d.viejo);
  const usadosTxt = await dd(page, 'Días hábiles usados / meta').textContent();
  check(usadosTxt === esperado, 'la ficha dice «' + usadosTxt + '» días usados / meta');
  check(/^-?\d{1,3}(\.\d{3})*$/.test(await dd(page, 'Días restantes').textContent()), 'los días restantes también con punto: ' + await dd(page, 'Días restantes').textContent());
  let fila = await filaBandeja(page, d.viejo);
  check(await fila.locator('td.dias').textContent() === esperado, 'la fila de la bandeja dice «' + esperado + '»');
  const tit = await fila.locator('td.dias').getAttribute('title');
  check(/^Días hábiles restantes: -\d{1,3}(\.\d{3})+$/.test(tit || ''), 'su ayuda da los días restantes con punto: «' + tit + '»');

  console.log('4. un concluido: los días que usó y si cumplió, sin «días restantes»');
  await abrirFicha(page, d.concluido);
  const tsla = await sla(page).textContent();
  check(!/d[ií]as restantes/i.test(tsla), 'el plazo de un concluido no habla de días restantes');
  check(await dd(page, 'Días hábiles usados / meta').textContent() === '1 / ' + d.meta, 'dice 1 / ' + d.meta + ' días usados / meta');
  const res = await dd(page, 'Resultado').textContent();
  check(res === 'Dentro de la meta (1 de ' + d.meta + ' días hábiles)', 'dice si cumplió: «' + res + '»');
  check((await page.locator('.ficha-cabecera .semaforo').textContent()) === 'Dentro de la meta', 'la cabecera dice «Dentro de la meta», no «A tiempo»');
  await shot(page, 'menores-concluido.png');
  fila = await filaBandeja(page, d.concluido);
  check(await fila.locator('td.dias').textContent() === '1 / ' + d.meta && await fila.locator('td.dias').getAttribute('title') === null,
    'su fila en la bandeja dice 1 / ' + d.meta + ' y no ofrece días restantes');
  check((await fila.locator('.semaforo').textContent()) === 'Dentro de la meta', 'y el semáforo de la fila dice «Dentro de la meta»');

  console.log('5. un archivado: sin plazo');
  await abrirFicha(page, d.archivado);
  const tarch = await sla(page).textContent();
  check(!/d[ií]as restantes/i.test(tarch) && tarch.includes('Sin plazo: el radicado salió de la cola (archivado).'), 'el plazo de un archivado dice «Sin plazo», sin días restantes');

  console.log('6. a 390 px: Acciones primero, la palabra larga se parte, nada desborda');
  await page.setViewportSize({ width: 390, height: 844 });
  await abrirFicha(page, d.viejo);
  const orden = await page.evaluate(() => {
    const acc = document.querySelector('.ficha section[aria-labelledby="titulo-acciones"]');
    const sgd = document.querySelector('.ficha section[aria-labelledby="titulo-sgd"]');
    const form = document.querySelector('.ficha form[data-formulario="seguimiento"]');
    const antes = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    const foco = [...document.querySelectorAll('.ficha a[href], .ficha button, .ficha input, .ficha select, .ficha textarea, .ficha summary')]
      .find((el) => !el.disabled && el.getClientRects().length);
    return { dom: antes(acc, sgd) && antes(acc, form), vista: acc.getBoundingClientRect().top < sgd.getBoundingClientRect().top,
      foco: foco ? !!foco.closest('section[aria-labelledby="titulo-acciones"]') : false };
  });
  check(orden.vista, 'a 390 px las Acciones se ven antes de los datos');
  check(orden.dom, 'y están antes en el documento (lectura y teclado en el mismo orden)');
  check(orden.foco, 'el primer control de la ficha al que llega Tab es una acción');
  const medidas = await page.evaluate(() => {
    const caja = (sel) => {
      const el = document.querySelector(sel);
      return el ? { sw: el.scrollWidth, cw: el.clientWidth, right: el.getBoundingClientRect().right, h: el.getBoundingClientRect().height } : null;
    };
    return { sw: document.documentElement.scrollWidth, iw: innerWidth, asunto: caja('.asunto-ficha'),
      obs: caja('.ficha textarea[name="observaciones"]'), hist: caja('.ficha section[aria-labelledby="titulo-historial"]') };
  });
  check(medidas.sw <= medidas.iw, 'la ficha no desborda a lo ancho (scrollWidth ' + medidas.sw + ' en ' + medidas.iw + ')');
  check(medidas.asunto && medidas.asunto.right <= 390 && medidas.asunto.h > 60, 'el asunto con la palabra larga se parte en varias líneas (' + JSON.stringify(medidas.asunto) + ')');
  check(medidas.obs && medidas.obs.right <= 390, 'las observaciones caben en el ancho (' + JSON.stringify(medidas.obs) + ')');
  check(medidas.hist && medidas.hist.sw <= medidas.hist.cw + 1, 'el historial parte la nota larga en vez de desplazarse (' + JSON.stringify(medidas.hist) + ')');
  await shot(page, 'menores-movil-ficha.png');
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForFunction(() => !!document.querySelector('.ficha-lateral > section[aria-labelledby="titulo-acciones"]'));
  check(true, 'a 1366 px las Acciones vuelven a la columna derecha');
}

await runMain(180000, body);
