// test_web_desenlaces.mjs -- the outcomes that take a filing out of the queue, in headless
// Chromium against `segcont serve` (webharness.mjs): the Director archives one filing and
// transfers another from their fichas, through the dialogs that ask the reason and the
// destination (refusing an empty reason and a destination that is not a code); both leave
// «Sin repartir»; the ficha shows the outcome and its reason; «Reabrir» brings one back to
// the queue. Fails on any console error, page error, failed request or HTTP status >= 400.
import {
  check,
  fatal,
  apiJson,
  totalOf,
  signIn,
  signOut,
  estadoFicha,
  waitEstado,
  checkNames,
  shot,
  launchBrowser,
  runMain,
} from './webharness.mjs';

const miles = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

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

async function backToQueue(page, total) {
  await page.getByRole('link', { name: '← Volver a la bandeja' }).click();
  await page.locator('#tabla-bandeja').waitFor();
  await page.locator('#total-radicados', { hasText: miles(total) }).waitFor();
}

const rowOf = (page, numero) => page.locator('#tabla-bandeja tbody tr[data-numero="' + numero + '"]');

async function openFicha(page, numero) {
  await rowOf(page, numero).getByRole('link', { name: numero }).click();
  await estadoFicha(page).waitFor();
}

async function body(env) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const page = await launchBrowser();
  await watch(page);
  const { director, a1 } = env.users;

  console.log('1. la Directora archiva un radicado que no es de contratación');
  await signIn(page, base, director);
  check(await page.getByLabel('Estado').inputValue() === 'recibido', 'la bandeja abre en «Sin repartir»');
  const total0 = await totalOf(page);
  const rows = page.locator('#tabla-bandeja tbody tr').filter({ hasNot: page.locator('.e-anulado') });
  const archivado = await rows.nth(0).getAttribute('data-numero');
  const trasladado = await rows.nth(1).getAttribute('data-numero');
  check(total0 > 3 && archivado && trasladado, 'hay radicados sin repartir (' + total0 + '): ' + archivado + ', ' + trasladado);
  await openFicha(page, archivado);
  check(await page.locator('[data-accion="anulacion"]').count() === 0, 'un radicado vigente no ofrece «Confirmar anulación»');
  await page.locator('[data-accion="archivo"]').click();
  let dlg = page.getByRole('dialog');
  await dlg.waitFor();
  await checkNames(page, 'el diálogo de archivo');
  await dlg.getByRole('button', { name: 'Archivar' }).click();
  check(await dlg.getByText('Este campo es obligatorio.').isVisible(), 'sin motivo no se archiva: el campo lo pide');
  await dlg.getByLabel(/^Motivo/).fill('Derecho de petición de un ciudadano, no es contratación');
  await dlg.getByRole('button', { name: 'Archivar' }).click();
  await waitEstado(page, 'Archivado');
  const des = await page.locator('#desenlace').textContent();
  check(/^Archivado el \d{2}\/\d{2}\/\d{4} por Directora Ana Gómez: Derecho de petición/.test(des),
    'la ficha muestra el desenlace y su motivo: ' + des);
  check(await page.locator('[data-accion="reapertura"]').count() === 1 && await page.locator('[data-accion="repartir"]').count() === 0,
    'un archivado ofrece «Reabrir» y ya no «Repartir»');
  await shot(page, 'desenlace-archivado.png');
  await backToQueue(page, total0 - 1);
  check(await rowOf(page, archivado).count() === 0, 'el archivado sale de «Sin repartir» (' + miles(total0) + ' → ' + miles(total0 - 1) + ')');

  console.log('2. traslada otro a otra dependencia');
  await openFicha(page, trasladado);
  await page.locator('[data-accion="traslado"]').click();
  dlg = page.getByRole('dialog');
  await dlg.waitFor();
  await dlg.getByLabel(/^Código de la dependencia/).fill('Talento');
  await dlg.getByRole('button', { name: 'Trasladar' }).click();
  check(await dlg.getByText('Escriba solo dígitos: el código de la dependencia.').isVisible(),
    'un destino que no es un código se señala antes de enviar');
  await dlg.getByLabel(/^Código de la dependencia/).fill('500');
  await dlg.getByLabel(/^Motivo/).fill('Lo atiende Talento Humano');
  await dlg.getByRole('button', { name: 'Trasladar' }).click();
  await waitEstado(page, 'Trasladado');
  const des2 = await page.locator('#desenlace').textContent();
  check(des2.startsWith('Trasladado a la dependencia 500 el ') && des2.includes('Lo atiende Talento Humano'),
    'la ficha muestra el destino y el motivo: ' + des2);
  check(await page.locator('.tabla', { hasText: 'Traslado' }).count() > 0, 'el historial registra la gestión «Traslado»');
  await backToQueue(page, total0 - 2);
  check(await rowOf(page, archivado).count() === 0 && await rowOf(page, trasladado).count() === 0,
    'los dos salen de «Sin repartir»');
  await page.getByLabel('Estado').selectOption('archivado');
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await rowOf(page, archivado).waitFor();
  check(await rowOf(page, archivado).locator('.e-archivado').textContent() === 'Archivado',
    'el filtro «Archivado» de la bandeja lo encuentra, con su etiqueta');

  console.log('3. la carga y los indicadores no los cuentan');
  const carga = await apiJson(env.httpPort, director.token, 'GET', '/api/abogados/carga');
  check(carga.status === 200 && carga.json.sin_repartir === total0 - 2, 'sin_repartir de la carga: ' + carga.json.sin_repartir);
  const ind = await apiJson(env.httpPort, director.token, 'GET', '/api/indicadores?detalle=1');
  const d = ind.json.oficina.desenlaces;
  check(d.archivado.radicados.includes(archivado) && d.trasladado.radicados.includes(trasladado),
    'los indicadores cuentan 1 archivado y 1 trasladado');

  console.log('4. reabrir devuelve el archivado a la cola');
  await page.goto(base + '/#/radicado/' + encodeURIComponent(archivado));
  await waitEstado(page, 'Archivado');
  await page.locator('[data-accion="reapertura"]').click();
  dlg = page.getByRole('dialog');
  await dlg.waitFor();
  check(await dlg.getByText('vuelve a la cola en el estado que tenía: «Recibido»').count() === 1,
    'el diálogo dice a qué estado vuelve');
  await dlg.getByLabel(/^Motivo/).fill('Sí era una solicitud de contratación');
  await dlg.getByRole('button', { name: 'Reabrir' }).click();
  await waitEstado(page, 'Recibido');
  check(await page.locator('#desenlace').count() === 0 && await page.locator('[data-accion="repartir"]').count() === 1,
    'reabierto: sin desenlace y con «Repartir» otra vez');
  await page.goto(base + '/#/bandeja');
  await page.locator('#tabla-bandeja').waitFor();
  await page.getByLabel('Estado').selectOption('recibido');
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await page.locator('#total-radicados', { hasText: miles(total0 - 1) }).waitFor();
  check(await rowOf(page, archivado).count() === 1 && await rowOf(page, trasladado).count() === 0,
    'el reabierto vuelve a «Sin repartir»; el trasladado sigue fuera');
  await signOut(page);

  console.log('5. un abogado no ve las acciones de la Dirección');
  await signIn(page, base, a1);
  await page.goto(base + '/#/radicado/' + encodeURIComponent(trasladado));
  await waitEstado(page, 'Trasladado');
  check(await page.locator('[data-accion]').count() === 0 &&
    (await page.locator('.panel', { hasText: 'Acciones' }).textContent()).includes('Solo la Dirección puede reabrirlo.'),
    'el abogado ve el desenlace sin acciones');
  await signOut(page);
}

await runMain(180000, body);
