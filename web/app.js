// app.js -- the staff page's entry: sign-in with the personal token (sessionStorage only),
// who is signed in and what their role may do, and the views behind #/bandeja,
// #/radicado/NUMERO, #/tablero and #/conciliacion.

import { api, token, guardarToken, olvidarToken, alExpirarSesion, ApiError } from './api.js';
import { adelantado, olvidarAdelantos } from './arranque.js';
import { h, vaciar, aviso, campo } from './dom.js';
import { ROLES, etiqueta, fechaHora, haceCuanto } from './fmt.js';

// Each view's module, loaded when first shown (the Bandeja's with the page: index.html
// preloads it); the one the address names is asked at start, alongside /api/usuarios/yo.
const MODULOS = {
  bandeja: () => import('./bandeja.js').then((m) => m.mostrarBandeja),
  radicado: () => import('./ficha.js').then((m) => m.mostrarFicha),
  // charts.js asked with tablero.js (which imports it), not after it arrives
  tablero: () => Promise.all([import('./tablero.js'), import('./charts.js')]).then(([m]) => m.mostrarTablero),
  conciliacion: () => import('./conciliacion.js').then((m) => m.mostrarConciliacion),
};

// The view a hash names ("bandeja" for anything the router does not know).
function nombreVista(hash) {
  const nombre = (hash || '#/bandeja').slice(2).split('?')[0].split('/')[0] || 'bandeja';
  return Object.prototype.hasOwnProperty.call(MODULOS, nombre) ? nombre : 'bandeja';
}

async function moduloDe(nombre) {
  try {
    return await MODULOS[nombre]();
  } catch (e) {
    throw new Error('No se pudo cargar esta sección de la página: revise la conexión y recargue.');
  }
}

// What each role may do: the server enforces it, the page only offers it.
export function permisos(yo) {
  const r = yo.rol;
  return {
    repartir: r === 'director',
    reabrir: r === 'director',
    gestionar: r === 'director' || r === 'abogado', // a lawyer: only what is assigned to them
    editarSeguimiento: r === 'director' || r === 'abogado',
    editarContrato: r === 'director' || r === 'abogado' || r === 'apoyo',
    sincronizar: r === 'director' || r === 'admin',
    resolverDiscrepancias: r === 'director' || r === 'admin',
  };
}

const ctx = { yo: null, puede: null };
const vista = () => document.getElementById('vista');

function mostrarIngreso(mensaje) {
  menuMovil(false);
  document.getElementById('boton-menu').hidden = true;
  document.getElementById('menu').hidden = true;
  document.getElementById('sesion').hidden = true;
  const cont = vaciar(vista());
  const f = campo('Token personal', h('input', {
    type: 'password', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false',
  }), 'El token que le entregó el administrador (empieza por «sgc_»). Se guarda solo en esta pestaña y se borra al cerrarla.');
  const error = h('p', { class: 'error-campo', role: 'alert', hidden: !mensaje }, mensaje || '');
  const form = h('form', { class: 'ingreso', 'aria-labelledby': 'titulo-ingreso' },
    h('h1', { id: 'titulo-ingreso', tabindex: '-1' }, 'Ingresar'),
    h('p', {}, 'Seguimiento de las solicitudes de contratación radicadas en la oficina.'),
    f.campo, error,
    h('div', { class: 'botones' }, h('button', { type: 'submit', class: 'primario' }, 'Ingresar')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const t = f.control.value.trim();
    if (!t) {
      error.textContent = 'Escriba su token.';
      error.hidden = false;
      f.control.focus();
      return;
    }
    try {
      const yo = await api('GET', '/api/usuarios/yo', undefined, t);
      guardarToken(t);
      f.control.value = '';
      entrar(yo);
    } catch (e) {
      error.textContent = e.estado === 401
        ? 'El token no es válido o el usuario está inactivo.'
        : e.message;
      error.hidden = false;
      f.control.select();
    }
  });
  cont.append(form);
  f.control.focus();
}

function entrar(yo) {
  ctx.yo = yo;
  ctx.puede = permisos(yo);
  document.getElementById('quien').textContent = yo.nombre;
  document.getElementById('rol').textContent = etiqueta(ROLES, yo.rol);
  document.getElementById('sesion').hidden = false;
  document.getElementById('menu').hidden = false;
  document.getElementById('boton-menu').hidden = false;
  document.getElementById('sincronizar').hidden = !ctx.puede.sincronizar;
  pieListo = false; // the footer is read again once this sign-in's first view is drawn
  if (!location.hash.startsWith('#/') || location.hash === '#/') {
    location.hash = '#/bandeja';
  } else {
    enrutar();
  }
}

function salir(mensaje) {
  olvidarToken();
  olvidarAdelantos();
  ctx.yo = null;
  ctx.puede = null;
  history.replaceState(null, '', location.pathname);
  mostrarIngreso(mensaje);
}

// An instant as the footer says it: "02/12/2026 14:05 (hace 12 minutos)".
function cuando(iso) {
  const hace = haceCuanto(iso);
  return fechaHora(iso) + (hace ? ' (' + hace + ')' : '');
}

const INSTANTE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?/g;

// The footer's warning when /healthz is not ok: a degraded sync says since when, in the
// page's date format; any other message keeps its words with its instants made readable.
function textoAlertaSync(d) {
  const sync = d.sync || {};
  if (d.estado === 'degradado' && sync.degradado_desde && /^sincronización degradada desde /.test(d.mensaje || '')) {
    return 'Atención: la sincronización con el sistema documental está degradada desde el ' + cuando(sync.degradado_desde) + '.' +
      (sync.ultimo_exito ? ' Última sincronización completa: ' + fechaHora(sync.ultimo_exito) + '.' : '');
  }
  if (!d.mensaje) return 'Atención: la sincronización no está al día.';
  return 'Atención: ' + d.mensaje.replace(INSTANTE, (m) => fechaHora(m)) + '.';
}

// The sync state from /healthz, in the footer (no token needed).
async function estadoSync() {
  const pie = document.getElementById('pie-sync');
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    const d = await res.json();
    const sync = d.sync || {};
    if (d.estado === 'ok') {
      pie.textContent = sync.ultimo_exito
        ? 'Última sincronización con el sistema documental: ' + cuando(sync.ultimo_exito)
        : 'Aún no hay una sincronización completa con el sistema documental.';
      pie.className = 'pie-sync';
    } else {
      pie.textContent = textoAlertaSync(d);
      pie.className = 'pie-sync alerta';
    }
  } catch (e) {
    pie.textContent = '';
  }
}

async function sincronizar() {
  try {
    await api('POST', '/api/sync', {});
    aviso('Sincronización solicitada: los radicados nuevos aparecerán en un momento.', 'ok');
    setTimeout(estadoSync, 4000);
  } catch (e) {
    aviso(e.message, 'error');
  }
}

let generacion = 0;
let pieListo = false;
let ultimaVista = '';
async function enrutar() {
  if (!ctx.yo) return;
  const hash = location.hash || '#/bandeja';
  if (!hash.startsWith('#/')) return; // e.g. the skip link
  const partes = hash.slice(2).split('?')[0].split('/');
  const nombre = partes[0] || 'bandeja';
  for (const a of document.querySelectorAll('#menu a')) {
    const activa = a.dataset.vista === nombre || (nombre === 'radicado' && a.dataset.vista === 'bandeja');
    if (activa) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const gen = ++generacion;
  if (nombre !== ultimaVista) aviso('');
  ultimaVista = nombre;
  const cont = vaciar(vista());
  cont.setAttribute('aria-busy', 'true');
  try {
    const vigente = () => gen === generacion;
    if (nombre === 'radicado' && partes[1]) {
      const mostrarFicha = await moduloDe('radicado');
      if (vigente()) await mostrarFicha(cont, ctx, decodeURIComponent(partes[1]), vigente);
    } else {
      const mostrar = await moduloDe(nombre === 'radicado' ? 'bandeja' : nombreVista('#/' + nombre));
      if (vigente()) await mostrar(cont, ctx, vigente);
    }
  } catch (e) {
    if (gen !== generacion) return;
    if (e instanceof ApiError && e.estado === 401) return; // salir() already showed sign-in
    cont.append(h('div', { class: 'nota nota-error', role: 'alert' }, e.message || 'Error inesperado.'));
  } finally {
    if (gen === generacion) cont.removeAttribute('aria-busy');
    // The footer's sync state is asked once the first view is drawn, not before it.
    if (!pieListo) {
      pieListo = true;
      olvidarAdelantos(); // what arranque.js sent and this view did not take
      estadoSync();
    }
  }
  if (gen === generacion) {
    const titulo = cont.querySelector('h1');
    // The Bandeja keeps its own scroll position (bandeja.js): its rows are drawn before the
    // view resolves, and a reader may have scrolled them meanwhile.
    if (titulo) titulo.focus({ preventScroll: nombre === 'bandeja' });
  }
}

// On a narrow screen the header folds its sections and session behind «Menú» (app.css shows
// the button only there); on a wide one the button is not displayed and this state does nothing.
function menuMovil(abrir) {
  const boton = document.getElementById('boton-menu');
  boton.setAttribute('aria-expanded', String(abrir));
  boton.closest('.barra').classList.toggle('abierta', abrir);
}

function prepararMenu() {
  const boton = document.getElementById('boton-menu');
  const barra = boton.closest('.barra');
  boton.addEventListener('click', () => {
    menuMovil(boton.getAttribute('aria-expanded') !== 'true'); // focus stays here; Tab goes on into the sections
  });
  barra.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && boton.getAttribute('aria-expanded') === 'true') {
      menuMovil(false);
      boton.focus();
    }
  });
  // choosing a section closes the menu; so does Salir
  barra.addEventListener('click', (ev) => {
    if (ev.target.closest('#menu a, #salir')) menuMovil(false);
  });
}

function iniciar() {
  prepararMenu();
  alExpirarSesion(() => salir('Su sesión terminó: el token ya no es válido. Ingrese de nuevo.'));
  document.getElementById('salir').addEventListener('click', () => salir(''));
  document.getElementById('sincronizar').addEventListener('click', sincronizar);
  window.addEventListener('hashchange', enrutar);
  const t = token();
  if (!t) {
    mostrarIngreso('');
    return;
  }
  MODULOS[nombreVista(location.hash)]().catch(() => {}); // enrutar() reports a failure
  // asked already by arranque.js (with the Tablero's figures when the address names it)
  (adelantado('/api/usuarios/yo') || api('GET', '/api/usuarios/yo')).then(entrar, (e) => {
    if (e.estado !== 401) mostrarIngreso(e.message);
  });
}

iniciar();
