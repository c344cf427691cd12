// test_web_vistas.mjs -- «Mis vistas» in the bandeja, in headless Chromium against `segcont
// serve` (webharness.mjs): the Director filters by a tipo de trámite and saves the view under a
// name; goes to another view and reloads the page there; opens the saved one from «Mis vistas»
// and gets the filter and the same rows the API gives for it; saving the same name asks
// «¿Reemplazar la vista …?» and replaces its query; a lawyer does not see it; deleting asks and
// removes it. At 390 px the bar fits without horizontal overflow; every control has a name; no
// console error, no HTTP error. Plain ESM for node 18 and later.
import { check, fatal, apiJson, totalOf, signIn, signOut, checkNames, shot, launchBrowser, runMain } from './webharness.mjs';

const NOMBRE = 'Mis trámites de prueba';
const miles = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

async function waitTotal(page, n) {
  await page.locator('#total-radicados', { hasText: new RegExp('^' + miles(n) + '$') }).waitFor();
}

const numerosPagina = (page) => page.locator('#tabla-bandeja tbody tr[data-numero]').evaluateAll((trs) => trs.map((tr) => tr.dataset.numero));
const misVistas = (page) => page.getByLabel('Mis vistas', { exact: true });

async function opciones(page) {
  return misVistas(page).locator('option').evaluateAll((os) => os.map((o) => o.textContent));
}

async function browserTest(env) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  const { director, a1 } = env.users;
  const page = await launchBrowser();
  page.on('response', (r) => {
    if (r.status() >= 400) fatal('respuesta inesperada ' + r.status() + ' a ' + r.request().method() + ' ' + r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') fatal('error en la consola: ' + m.text());
  });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  const vistasApi = async (u) => (await apiJson(env.httpPort, u.token, 'GET', '/api/vistas')).json.vistas;

  // the filter: the tipo de trámite of some filing, and what the API lists for it
  const todos = (await apiJson(env.httpPort, director.token, 'GET', '/api/radicados?por_pagina=200')).json;
  const tipos = new Map();
  for (const r of todos.radicados) tipos.set(r.tipo_tramite, (tipos.get(r.tipo_tramite) || 0) + 1);
  const tipo = [...tipos.entries()].sort((a, b) => a[1] - b[1]).find(([, n]) => n >= 2 && n < todos.total)?.[0];
  if (!tipo) fatal('no hay un tipo de trámite con el que filtrar');
  const esperado = (await apiJson(env.httpPort, director.token, 'GET',
    '/api/radicados?tipo_tramite=' + tipo + '&orden=-fecha&por_pagina=50')).json;
  check(esperado.total >= 2 && esperado.total < todos.total, 'el filtro deja ' + esperado.total + ' de ' + todos.total);

  console.log('1. guardar una vista con un filtro');
  await signIn(page, base, director);
  check(await misVistas(page).isDisabled() && (await opciones(page))[0] === 'Aún no tiene vistas guardadas',
    'sin vistas, «Mis vistas» lo dice y está desactivada');
  await page.getByLabel('Estado', { exact: true }).selectOption('');
  await page.getByLabel('Tipo de trámite').selectOption(tipo);
  await page.getByRole('button', { name: 'Filtrar' }).click();
  await waitTotal(page, esperado.total);
  await page.getByRole('button', { name: 'Guardar vista' }).click();
  let dlg = page.getByRole('dialog', { name: 'Guardar vista' });
  await dlg.waitFor();
  await checkNames(page, 'el diálogo «Guardar vista»');
  await dlg.getByLabel('Nombre de la vista').fill('   ');
  await dlg.getByRole('button', { name: 'Guardar' }).click();
  check(await dlg.getByText('Escriba un nombre.').isVisible(), 'un nombre en blanco se pide de nuevo, sin guardar');
  await dlg.getByLabel('Nombre de la vista').fill(NOMBRE);
  await dlg.getByRole('button', { name: 'Guardar' }).click();
  await page.locator('#aviso', { hasText: 'Vista «' + NOMBRE + '» guardada.' }).waitFor();
  check(await page.getByRole('dialog').count() === 0, 'el diálogo se cierra');
  let v = await vistasApi(director);
  check(v.length === 1 && v[0].nombre === NOMBRE && new URLSearchParams(v[0].consulta).get('tipo_tramite') === tipo &&
    !new URLSearchParams(v[0].consulta).has('estado'), 'la API tiene la vista con el filtro: ' + (v[0] && v[0].consulta));
  check(await misVistas(page).locator('option:checked').textContent() === NOMBRE, '«Mis vistas» la muestra elegida');
  const hashGuardado = new URL(page.url()).hash;

  console.log('2. otra vista, recargar, abrir la guardada');
  await page.getByRole('button', { name: 'Ver todos' }).click();
  await waitTotal(page, todos.total);
  await page.reload();
  await page.locator('#tabla-bandeja').waitFor();
  await waitTotal(page, todos.total);
  check(await page.getByLabel('Tipo de trámite').inputValue() === '', 'tras recargar sigue la otra vista (todos)');
  check(await misVistas(page).inputValue() === '', 'ninguna vista guardada está abierta');
  await misVistas(page).selectOption({ label: NOMBRE });
  await page.getByRole('button', { name: 'Abrir' }).click();
  await waitTotal(page, esperado.total);
  check(await page.getByLabel('Tipo de trámite').inputValue() === tipo, 'el filtro vuelve al formulario (' + tipo + ')');
  check(new URL(page.url()).hash === hashGuardado, 'la dirección es la de la vista guardada');
  const filas = await numerosPagina(page);
  const deLaVista = (await apiJson(env.httpPort, director.token, 'GET', '/api/radicados?' + v[0].consulta)).json;
  check(filas.length > 0 && JSON.stringify(filas) === JSON.stringify(deLaVista.radicados.map((r) => r.numero)),
    'las filas son las que la API da para la vista (' + filas.length + ')');
  await page.goBack();
  await waitTotal(page, todos.total);
  check(true, 'atrás vuelve a la vista anterior');
  await page.goForward();
  await waitTotal(page, esperado.total);

  console.log('3. guardar con el mismo nombre pregunta antes de reemplazar');
  await page.getByRole('columnheader', { name: /Radicado/ }).getByRole('button').click();
  await page.waitForFunction(() => /orden=-?numero/.test(location.hash));
  await waitTotal(page, esperado.total);
  await page.getByRole('button', { name: 'Guardar vista' }).click();
  dlg = page.getByRole('dialog', { name: 'Guardar vista' });
  await dlg.getByLabel('Nombre de la vista').fill(NOMBRE);
  await dlg.getByRole('button', { name: 'Guardar' }).click();
  let pregunta = page.getByRole('dialog', { name: '¿Reemplazar la vista «' + NOMBRE + '»?' });
  await pregunta.waitFor();
  await pregunta.getByRole('button', { name: 'Cancelar' }).click();
  check(await pregunta.count() === 0 && await dlg.isVisible(), 'Cancelar deja el nombre por cambiar');
  check(/orden=-?fecha/.test((await vistasApi(director))[0].consulta), 'y la vista no cambió');
  await dlg.getByRole('button', { name: 'Guardar' }).click();
  pregunta = page.getByRole('dialog', { name: '¿Reemplazar la vista «' + NOMBRE + '»?' });
  await pregunta.getByRole('button', { name: 'Reemplazar' }).click();
  await page.locator('#aviso', { hasText: 'Vista «' + NOMBRE + '» reemplazada.' }).waitFor();
  v = await vistasApi(director);
  check(v.length === 1 && /orden=-?numero/.test(v[0].consulta) && new URLSearchParams(v[0].consulta).get('tipo_tramite') === tipo,
    'reemplazada: una sola vista, con el orden nuevo (' + v[0].consulta + ')');
  await checkNames(page, 'la bandeja con «Mis vistas»');

  console.log('4. a 390 px');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('region', { name: 'Vistas guardadas' }).scrollIntoViewIfNeeded();
  const m = await page.evaluate(() => {
    const b = document.querySelector('.barra-vistas').getBoundingClientRect();
    return { sw: document.documentElement.scrollWidth, iw: innerWidth, right: b.right };
  });
  check(m.sw <= m.iw && m.right <= m.iw, 'a 390 px la barra cabe sin desbordar a lo ancho (scrollWidth ' + m.sw + ', borde ' + Math.round(m.right) + ')');
  await shot(page, 'vistas-390.png');
  await page.setViewportSize({ width: 1366, height: 768 });
  await signOut(page);

  console.log('5. otro usuario no la ve');
  await signIn(page, base, a1);
  check(await misVistas(page).isDisabled() && (await opciones(page)).length === 1, 'el abogado no tiene vistas');
  check((await vistasApi(a1)).length === 0, 'ni en la API');
  await signOut(page);

  console.log('6. borrar, con confirmación');
  await signIn(page, base, director);
  await misVistas(page).selectOption({ label: NOMBRE });
  await page.getByRole('button', { name: 'Borrar' }).click();
  pregunta = page.getByRole('dialog', { name: '¿Borrar la vista «' + NOMBRE + '»?' });
  await pregunta.getByRole('button', { name: 'Cancelar' }).click();
  check((await vistasApi(director)).length === 1, 'Cancelar no la borra');
  await page.getByRole('button', { name: 'Borrar' }).click();
  pregunta = page.getByRole('dialog', { name: '¿Borrar la vista «' + NOMBRE + '»?' });
  await pregunta.getByRole('button', { name: 'Borrar' }).click();
  await page.locator('#aviso', { hasText: 'Vista «' + NOMBRE + '» borrada.' }).waitFor();
  check((await vistasApi(director)).length === 0, 'la API ya no la tiene');
  check(await misVistas(page).isDisabled() && !(await opciones(page)).includes(NOMBRE), '«Mis vistas» ya no la ofrece');
  check(await totalOf(page) > 0, 'la bandeja sigue mostrando radicados');
  await signOut(page);
}

await runMain(180000, async (env) => {
  await browserTest(env);
});
