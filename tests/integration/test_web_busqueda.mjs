// test_web_busqueda.mjs -- the Bandeja's search in headless Chromium against `segcont serve`
// (webharness.mjs): a concluded filing's number typed with spaces under the Director's
// default «Recibido» filter (and another lawyer) is named with its estado and a link to its
// ficha, which opens; another system's number typed with spaces under «Concluido» likewise;
// a number inside the filters is said to be in the list; a contratista typed without its
// accents finds its filing. Fails on any console error, page error, failed request or HTTP
// status >= 400.
import { check, fatal, apiJson, signIn, estadoFicha, launchBrowser, runMain, NUMERO } from './webharness.mjs';

async function watch(page) {
  page.on('response', (r) => {
    if (r.status() >= 400) fatal('respuesta inesperada ' + r.status() + ' a ' + r.request().method() + ' ' + r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') fatal('error en la consola: ' + m.text());
  });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  page.on('requestfailed', (r) => fatal('solicitud fallida: ' + r.method() + ' ' + r.url() + ' ' + (r.failure() || {}).errorText));
}

async function buscar(page, texto, estado, abogado) {
  await page.getByLabel('Estado', { exact: true }).selectOption(estado);
  if (abogado !== undefined) await page.getByLabel('Abogado', { exact: true }).selectOption(abogado);
  await page.getByLabel('Buscar', { exact: true }).fill(texto);
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await page.locator('#tabla-bandeja').waitFor();
}

async function body(env) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1, a2 } = env.users;
  const port = env.httpPort;

  // A filing concluded by a1, and one whose contract a1 records.
  const lista = await apiJson(port, director.token, 'GET', '/api/radicados?estado=recibido&orden=numero&por_pagina=100');
  const nums = lista.json.radicados.map((r) => r.numero).filter((n) => /^\d{14}$/.test(n));
  if (nums.length < 2) fatal('hacen falta dos radicados recibidos (' + nums.length + ')');
  const [concluido, conContrato] = nums;
  for (const n of [concluido, conContrato]) {
    const r = await apiJson(port, director.token, 'POST', '/api/radicados/' + n + '/reparto', { abogado_id: a1.id });
    check(r.status === 200, 'reparto de ' + n + ' a ' + a1.nombre);
  }
  let r = await apiJson(port, a1.token, 'POST', '/api/radicados/' + concluido + '/gestiones', { tipo: 'observacion', texto: 'revisado' });
  r = await apiJson(port, a1.token, 'POST', '/api/radicados/' + concluido + '/gestiones', { tipo: 'conclusion', satisfactorio: true, texto: 'listo' });
  check(r.status === 201 && r.json.seguimiento.estado === 'concluido', concluido + ' concluido');
  const v = (await apiJson(port, a1.token, 'GET', '/api/radicados/' + conContrato)).json.seguimiento.version;
  r = await apiJson(port, a1.token, 'PATCH', '/api/radicados/' + conContrato, { version: v, contratista: 'Construcciones Ñandú Ltda.' });
  check(r.status === 200, 'contratista de ' + conContrato + ' registrado');

  const page = await launchBrowser();
  await watch(page);
  console.log('1. un número con espacios bajo «Recibido» y otro abogado');
  await signIn(page, base, director);
  check(await page.getByLabel('Estado').inputValue() === 'recibido', 'la bandeja abre en «Sin repartir»');
  const espacios = [concluido.slice(0, 4), concluido.slice(4, 8), concluido.slice(8, 12), concluido.slice(12)].join(' ');
  await buscar(page, espacios, 'recibido', String(a2.id));
  const nota = page.locator('#numero-exacto');
  await nota.waitFor();
  const texto = await nota.textContent();
  check(texto.includes(concluido) && texto.includes('«Concluido»') && texto.includes(a1.nombre) &&
    texto.includes('los filtros en vigor no lo muestran'), 'el aviso dice dónde está: ' + texto);
  check(await page.locator('#tabla-bandeja tbody tr[data-numero="' + concluido + '"]').count() === 0,
    'la lista filtrada no lo muestra');
  await nota.getByRole('link', { name: 'Abrir su ficha' }).click();
  await estadoFicha(page).waitFor();
  check((await estadoFicha(page).textContent()).includes('Concluido'), 'el enlace abre su ficha, «Concluido»');
  check(page.url().endsWith('#/radicado/' + concluido), 'en la dirección de su ficha: ' + page.url());
  await page.goBack();
  await page.locator('#tabla-bandeja').waitFor();

  console.log('2. el número de otro sistema, con espacios, bajo «Concluido»');
  await buscar(page, NUMERO.replace(/-/g, ' '), 'concluido', '');
  await nota.waitFor();
  const t2 = await nota.textContent();
  check(t2.includes(NUMERO) && t2.includes('«Recibido»') && t2.includes('no lo muestran'), 'el aviso: ' + t2);

  console.log('3. dentro de los filtros, y el texto del seguimiento');
  await buscar(page, concluido.slice(0, 8) + '-' + concluido.slice(8), 'concluido', '');
  await page.locator('#numero-exacto', { hasText: 'aparece en la lista' }).waitFor();
  check(await page.locator('#tabla-bandeja tbody tr[data-numero="' + concluido + '"]').count() === 1,
    'con guiones, bajo «Concluido», está en la lista y el aviso lo dice');
  await buscar(page, 'NANDU', '', '');
  await page.locator('#tabla-bandeja tbody tr[data-numero="' + conContrato + '"]').waitFor();
  check(await page.locator('#tabla-bandeja tbody tr').count() === 1, '«NANDU» encuentra solo al contratista «Ñandú»');
  check(await nota.count() === 0, 'un texto que no es número no muestra el aviso');
}

await runMain(180000, body);
