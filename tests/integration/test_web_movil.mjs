// test_web_movil.mjs -- the staff page on a phone and on paper, in headless Chromium against
// `segcont serve` on a synced database: at 390 px the header folds behind «Menú» (a button with
// aria-expanded, reachable and usable from the keyboard) and no view (Bandeja, ficha, Tablero,
// Conciliación) makes the document wider than the screen; the ficha puts Acciones first; a long
// unbroken word (here the asunto of the filing the test follows, made a long URL in the
// database) wraps; printing the ficha and the tablero drops the header and every button, black
// on white, with table rows kept whole; at 1366 px the layout is the usual one (no menu button,
// the sections in the header, the ficha in two columns). Screenshots: tests/artifacts/movil-*.png.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ARTIFACTS, NUMERO, check, fatal, signIn, shot, launchBrowser, runMain } from './webharness.mjs';

const LARGO = 'https://gestion.documental.example.gov.co/expedientes/' + '0123456789'.repeat(14);

// The document is never wider than the window: what the brief pins.
async function sinDesborde(page, vista) {
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth }));
  check(m.sw <= m.iw, vista + ' a ' + m.iw + ' px no desborda a lo ancho (scrollWidth ' + m.sw + ')');
  // and nothing inside pokes out of the window either (a table that scrolls in its own box is fine)
  const fuera = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let p = el.parentElement;
      let recortado = false;
      for (; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== 'visible') { // hidden, clip, auto, scroll: its own box holds it
          recortado = true;
          break;
        }
      }
      if (!recortado && r.right > innerWidth + 1) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') + ' hasta ' + Math.round(r.right));
    }
    return out.slice(0, 5);
  });
  check(fuera.length === 0, vista + ': ningún elemento sale de la ventana' + (fuera.length ? ': ' + fuera.join(', ') : ''));
}

async function esperarVista(page, titulo) {
  await page.locator('#vista h1', { hasText: titulo }).waitFor();
  await page.locator('#vista:not([aria-busy])').waitFor();
}

const expandido = (page) => page.locator('#boton-menu').getAttribute('aria-expanded');
const secciones = (page) => page.getByRole('navigation', { name: 'Secciones' });

async function irPorMenu(page, nombre, titulo) {
  await page.getByRole('button', { name: 'Menú' }).click();
  await secciones(page).getByRole('link', { name: nombre }).click();
  await esperarVista(page, titulo);
  check(await expandido(page) === 'false' && !(await secciones(page).isVisible()), 'elegir «' + nombre + '» en el menú lo cierra');
}

// Printing: no header, menu or buttons; black text on white; rows not cut.
async function impresion(page, vista, archivo) {
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('header.barra').isVisible()), 'al imprimir ' + vista + ' no sale la barra de arriba');
  check(!(await page.locator('#boton-menu').isVisible()) && !(await secciones(page).isVisible()), 'al imprimir ' + vista + ' no sale el menú');
  const botones = await page.locator('button:visible').count();
  check(botones === 0, 'al imprimir ' + vista + ' no sale ningún botón (' + botones + ' visibles)');
  const estilo = await page.evaluate(() => {
    const b = getComputedStyle(document.body);
    const tr = document.querySelector('main .tabla tbody tr');
    const th = document.querySelector('main .tabla thead');
    return {
      color: b.color, fondo: b.backgroundColor,
      fila: tr ? getComputedStyle(tr).breakInside : null,
      cabecera: th ? getComputedStyle(th).display : null,
      h2: document.querySelector('main h2') ? getComputedStyle(document.querySelector('main h2')).color : null,
    };
  });
  check(estilo.color === 'rgb(0, 0, 0)' && estilo.fondo === 'rgb(255, 255, 255)', 'al imprimir ' + vista + ' el texto es negro sobre blanco (' + estilo.color + ' / ' + estilo.fondo + ')');
  check(estilo.h2 === null || estilo.h2 === 'rgb(0, 0, 0)', 'al imprimir ' + vista + ' los títulos salen en negro');
  check(estilo.fila === null || estilo.fila === 'avoid', 'al imprimir ' + vista + ' las filas de las tablas no se parten (' + estilo.fila + ')');
  check(estilo.cabecera === null || estilo.cabecera === 'table-header-group', 'al imprimir ' + vista + ' la cabecera de las tablas se repite en cada hoja');
  // on an A4 sheet (210 mm at 96 px per inch, less the page margins) nothing is cut at the side
  const antes = page.viewportSize();
  await page.setViewportSize({ width: 700, height: 990 });
  const hoja = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth }));
  check(hoja.sw <= hoja.iw, 'al imprimir ' + vista + ' en A4 nada se sale por el lado (scrollWidth ' + hoja.sw + ' en ' + hoja.iw + ')');
  await page.pdf({ path: path.join(ARTIFACTS, archivo.replace(/\.png$/, '.pdf')), format: 'A4', printBackground: true }).catch((e) => fatal('no se pudo generar el PDF: ' + e.message));
  await page.screenshot({ path: path.join(ARTIFACTS, archivo), fullPage: true });
  console.log('  captura: tests/artifacts/' + archivo);
  await page.setViewportSize(antes);
  await page.emulateMedia({ media: 'screen' });
}

async function browserTest(env, work) {
  const base = 'http://127.0.0.1:' + env.httpPort;
  // a long unbroken word in real data: the asunto of the filing the test follows
  const up = spawnSync('sqlite3', [path.join(work, 'segcont.db'), "UPDATE radicado SET asunto = 'Solicitud " + LARGO + "' WHERE numero = '" + NUMERO + "'"], { encoding: 'utf8' });
  check(up.status === 0, 'el asunto de ' + NUMERO + ' pasa a llevar una URL de ' + LARGO.length + ' caracteres sin espacios');

  const page = await launchBrowser({ width: 390, height: 844 });
  page.on('pageerror', (e) => fatal('excepción en la página: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') fatal('error en la consola: ' + m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) fatal('respuesta inesperada ' + r.status() + ' a ' + r.url()); });
  const { director } = env.users;

  console.log('1. la bandeja a 390 px');
  await signIn(page, base, director);
  await esperarVista(page, 'Bandeja de radicados');
  const boton = page.getByRole('button', { name: 'Menú' });
  check(await boton.isVisible(), 'a 390 px la barra muestra el botón «Menú»');
  check(await expandido(page) === 'false', 'el botón empieza con aria-expanded="false"');
  check((await boton.getAttribute('aria-controls') || '').split(' ').includes('menu'), 'el botón dice qué controla (aria-controls="menu …")');
  check(!(await secciones(page).isVisible()) && !(await page.locator('#salir').isVisible()), 'cerrado, el menú no muestra las secciones ni «Salir»');
  const alto = (await page.locator('header.barra').boundingBox()).height;
  check(alto < 70, 'la barra cerrada ocupa una sola franja (' + Math.round(alto) + ' px)');
  await sinDesborde(page, 'la bandeja');
  await shot(page, 'movil-bandeja.png');

  console.log('2. el menú con el ratón y con el teclado');
  await boton.click();
  check(await expandido(page) === 'true', 'al pulsar «Menú» queda aria-expanded="true"');
  check(await secciones(page).isVisible(), 'abierto, se ven las secciones');
  for (const n of ['Bandeja', 'Tablero', 'Conciliación']) check(await secciones(page).getByRole('link', { name: n }).isVisible(), 'el menú abierto ofrece «' + n + '»');
  check(await page.locator('#salir').isVisible() && await page.locator('#quien').isVisible(), 'el menú abierto muestra quién ingresó y «Salir»');
  await sinDesborde(page, 'el menú abierto');
  await shot(page, 'movil-menu.png');
  await boton.click();
  check(await expandido(page) === 'false' && !(await secciones(page).isVisible()), 'al pulsarlo otra vez se cierra');
  // from the keyboard: Tab reaches it from the top of the page, Enter opens, Tab goes into the sections, Escape closes
  await page.locator('a.saltar').focus(); // the page's first stop, as after loading it
  check(await page.evaluate(() => document.activeElement.classList.contains('saltar')), 'el foco parte del enlace «Saltar al contenido»');
  let llego = false;
  for (let i = 0; i < 6 && !llego; i++) {
    await page.keyboard.press('Tab');
    llego = await page.evaluate(() => document.activeElement && document.activeElement.id === 'boton-menu');
  }
  check(llego, 'con Tab se llega al botón «Menú»');
  await page.keyboard.press('Enter');
  check(await expandido(page) === 'true' && await secciones(page).isVisible(), 'con Enter se abre');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => !!document.activeElement.closest('#menu')), 'el siguiente Tab entra en las secciones');
  await page.keyboard.press('Escape');
  check(await expandido(page) === 'false' && !(await secciones(page).isVisible()), 'Escape cierra el menú');
  check(await page.evaluate(() => document.activeElement.id === 'boton-menu'), 'y devuelve el foco al botón');
  await boton.focus();
  await page.keyboard.press('Space');
  check(await expandido(page) === 'true', 'con la barra espaciadora también se abre');
  await page.keyboard.press('Space');
  check(await expandido(page) === 'false', 'y se cierra');

  console.log('3. la ficha a 390 px');
  await page.evaluate((n) => { location.hash = '#/radicado/' + encodeURIComponent(n); }, NUMERO);
  await esperarVista(page, 'Radicado');
  await page.locator('#estado-ficha').waitFor();
  const asunto = page.locator('.asunto-ficha');
  check((await asunto.textContent()).includes(LARGO), 'la ficha muestra el asunto con la URL larga');
  const caja = await page.evaluate(() => {
    const el = document.querySelector('.asunto-ficha');
    const r = el.getBoundingClientRect();
    return { right: r.right, h: r.height, lh: parseFloat(getComputedStyle(el).lineHeight) || 20, sw: el.scrollWidth, cw: el.clientWidth };
  });
  check(caja.right <= 390 && caja.sw <= caja.cw, 'la palabra larga cabe en el ancho de la ficha (borde derecho ' + Math.round(caja.right) + ')');
  check(caja.h > 2 * caja.lh, 'la palabra larga se parte en varias líneas (' + Math.round(caja.h) + ' px de alto)');
  const acciones = await page.locator('section[aria-labelledby="titulo-acciones"]').boundingBox();
  const sgd = await page.locator('section[aria-labelledby="titulo-sgd"]').boundingBox();
  const seg = await page.locator('form[data-formulario="seguimiento"]').boundingBox();
  check(acciones && sgd && acciones.y < sgd.y && acciones.y < seg.y, 'en el teléfono las Acciones van antes de los datos (' + Math.round(acciones.y) + ' < ' + Math.round(sgd.y) + ')');
  check(acciones && acciones.x >= 0 && acciones.x + acciones.width <= 390, 'las Acciones caben en el ancho');
  await sinDesborde(page, 'la ficha');
  await shot(page, 'movil-ficha.png');
  await page.screenshot({ path: path.join(ARTIFACTS, 'movil-ficha-completa.png'), fullPage: true });
  await impresion(page, 'la ficha', 'movil-ficha-impresa.png');

  console.log('4. el tablero y la conciliación a 390 px');
  await irPorMenu(page, 'Tablero', 'Tablero de indicadores');
  await page.locator('#tabla-carga').waitFor();
  await sinDesborde(page, 'el tablero');
  const tabla = await page.evaluate(() => {
    const t = document.querySelector('#tabla-carga');
    let p = t.parentElement;
    while (p && getComputedStyle(p).overflowX === 'visible') p = p.parentElement;
    return { ancho: t.getBoundingClientRect().width, caja: p ? p.clientWidth : null, scroll: p ? p.scrollWidth : null };
  });
  check(tabla.caja !== null && tabla.caja <= 390, 'la tabla de carga está en su propia caja con desplazamiento (' + tabla.ancho + ' px de tabla en ' + tabla.caja + ' px)');
  await shot(page, 'movil-tablero.png');
  await page.screenshot({ path: path.join(ARTIFACTS, 'movil-tablero-completo.png'), fullPage: true });
  await impresion(page, 'el tablero', 'movil-tablero-impreso.png');
  await irPorMenu(page, 'Conciliación', 'Conciliación');
  await sinDesborde(page, 'la conciliación');
  await shot(page, 'movil-conciliacion.png');
  await irPorMenu(page, 'Bandeja', 'Bandeja de radicados');
  await page.locator('#tabla-bandeja').waitFor();
  await sinDesborde(page, 'la bandeja, de vuelta');

  console.log('5. a 1366 px todo sigue como antes');
  await page.setViewportSize({ width: 1366, height: 768 });
  check(!(await page.locator('#boton-menu').isVisible()), 'a 1366 px no hay botón «Menú»');
  check(await secciones(page).isVisible(), 'a 1366 px las secciones están en la barra');
  for (const n of ['Bandeja', 'Tablero', 'Conciliación']) check(await secciones(page).getByRole('link', { name: n }).isVisible(), 'a 1366 px se ve «' + n + '»');
  check(await page.locator('#salir').isVisible(), 'a 1366 px se ve «Salir»');
  const barra = (await page.locator('header.barra').boundingBox()).height;
  check(barra < 60, 'la barra es una sola franja (' + Math.round(barra) + ' px)');
  await page.evaluate((n) => { location.hash = '#/radicado/' + encodeURIComponent(n); }, NUMERO);
  await esperarVista(page, 'Radicado');
  const a2 = await page.locator('section[aria-labelledby="titulo-acciones"]').boundingBox();
  const s2 = await page.locator('section[aria-labelledby="titulo-sgd"]').boundingBox();
  check(a2.x > s2.x + s2.width - 1 && Math.abs(a2.y - s2.y) < 5, 'a 1366 px la ficha sigue en dos columnas, Acciones a la derecha');
  await sinDesborde(page, 'la ficha a 1366 px');
  await shot(page, 'movil-escritorio-ficha.png');
}

await runMain(180000, async (env, work) => {
  await browserTest(env, work);
});
