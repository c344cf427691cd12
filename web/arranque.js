// arranque.js -- the first requests of a page opened with a token, sent as soon as its script
// runs rather than one after another: /api/usuarios/yo and, when the address names the
// Tablero, its figures (their period depends only on this tab, not on who signs in); the
// Bandeja sends its list here too when its address carries the filters (bandeja.js). The
// router and the view take the answer from here (adelantado) instead of asking again.

import { api, ApiError, token, conParametros, expirarSesion } from './api.js';
import { hoyISO } from './fmt.js';

export const CLAVE_PERIODO = 'segcont.tablero.periodo';
const BASES = ['actividad', 'radicacion'];

// The Tablero's period: this tab's last one, or the current month counted by activity.
// Returns a new object; the caller may change it.
export function periodoTablero() {
  try {
    const p = JSON.parse(sessionStorage.getItem(CLAVE_PERIODO) || 'null');
    if (p && p.desde && p.hasta) return { desde: p.desde, hasta: p.hasta, base: BASES.includes(p.base) ? p.base : 'actividad' };
  } catch (e) {
    // start again
  }
  const hoy = hoyISO();
  return { desde: hoy.slice(0, 8) + '01', hasta: hoy, base: 'actividad' };
}

// The Tablero's request for a period's counts.
export function rutaIndicadores(p) {
  return conParametros('/api/indicadores', { desde: p.desde, hasta: p.hasta, base: p.base });
}

// ruta -> {token, promesa}: each request sent early, until taken or forgotten.
const adelantos = new Map();

// Sends the GET ruta now under the tab's token (none without one), for adelantado to take.
export function adelantar(ruta) {
  const t = token();
  if (!t || adelantos.has(ruta)) return;
  // the explicit token: a 401 is reported when the answer is taken, by then someone listens
  const promesa = api('GET', ruta, undefined, t);
  promesa.catch(() => {}); // taken later, or never
  adelantos.set(ruta, { token: t, promesa });
}

// The answer of the GET ruta sent at start under the tab's current token (once: a second
// call asks the server again), or null when none was sent. A 401 ends the session as any
// call's does.
export function adelantado(ruta) {
  const a = adelantos.get(ruta);
  if (!a) return null;
  adelantos.delete(ruta);
  if (a.token !== token()) return null;
  return a.promesa.catch((e) => {
    if (e instanceof ApiError && e.estado === 401) expirarSesion(e);
    throw e;
  });
}

// Drops what was not taken (the first view is drawn, or the session ended).
export function olvidarAdelantos() {
  adelantos.clear();
}

// The modules of a view, asked now (app.js imports them when it shows the view).
function precargar(modulos) {
  for (const m of modulos) document.head.append(Object.assign(document.createElement('link'), { rel: 'modulepreload', href: '/static/' + m }));
}

adelantar('/api/usuarios/yo');
if (/^#\/tablero(?:[/?]|$)/.test(location.hash)) {
  // Its modules first: serve answers each connection on one of its threads, so a file asked
  // after the figures may wait behind them on the same thread.
  precargar(['tablero.js', 'charts.js']);
  adelantar(rutaIndicadores(periodoTablero()));
}
