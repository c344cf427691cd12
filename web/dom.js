// dom.js -- building the page without innerHTML (no injection, nothing the CSP refuses):
// h() for HTML elements, s() for SVG, the status line, dialogs, form field helpers.

const SVG_NS = 'http://www.w3.org/2000/svg';
let uid = 0;

// A unique id for label/for and aria-describedby pairs.
export function nuevoId(prefijo) {
  uid += 1;
  return (prefijo || 'c') + '-' + uid;
}

function poner(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
}

function hijos(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// h('a', {href: '#/x', class: 'y', onclick: fn}, 'texto', otroNodo)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  poner(el, attrs);
  hijos(el, children);
  return el;
}

// The same for SVG elements (charts).
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  poner(el, attrs);
  hijos(el, children);
  return el;
}

// Remembers the control that has the focus, so that a view drawn again can give it back
// (found by data-accion, name or button text). Returns restaurar(cont) -> true when done.
export function recordarFoco() {
  const el = document.activeElement;
  if (!el || el === document.body) return () => false;
  const accion = el.getAttribute('data-accion');
  const nombre = el.getAttribute('name');
  const texto = el.tagName === 'BUTTON' ? el.textContent : null;
  return (cont) => {
    let x = null;
    if (accion) x = cont.querySelector('[data-accion="' + CSS.escape(accion) + '"]');
    if (!x && nombre) x = cont.querySelector(el.tagName.toLowerCase() + '[name="' + CSS.escape(nombre) + '"]');
    if (!x && texto) x = [...cont.querySelectorAll('button')].find((b) => b.textContent === texto) || null;
    if (!x || x.disabled) return false;
    x.focus({ preventScroll: true });
    return true;
  };
}

// Resolves once the browser has painted what the page holds now (after the next frame), so
// that what comes after does not hold that paint back; within 100 ms in a hidden tab, which
// draws no frames.
export function trasPintar() {
  return new Promise((resolver) => {
    const limite = setTimeout(resolver, 100);
    requestAnimationFrame(() => setTimeout(() => {
      clearTimeout(limite);
      resolver();
    }, 0));
  });
}

export function vaciar(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// The page's status line (role=status): tipo 'ok' | 'error' | 'info'.
let avisoTimer = null;
export function aviso(texto, tipo) {
  const el = document.getElementById('aviso');
  if (!el) return;
  clearTimeout(avisoTimer);
  el.setAttribute('aria-live', tipo === 'error' ? 'assertive' : 'polite');
  el.textContent = texto;
  el.className = 'aviso aviso-' + (tipo || 'info');
  el.hidden = !texto;
  if (texto && tipo !== 'error') avisoTimer = setTimeout(() => { el.hidden = true; }, 8000);
}

// A labelled field: returns {campo, control}. control is an <input>, <select> or <textarea>.
export function campo(etiqueta, control, ayuda) {
  const id = control.id || nuevoId('f');
  control.id = id;
  const partes = [h('label', { for: id }, etiqueta), control];
  if (ayuda) {
    const aid = id + '-ayuda';
    control.setAttribute('aria-describedby', aid);
    partes.push(h('small', { id: aid, class: 'ayuda' }, ayuda));
  }
  return { campo: h('div', { class: 'campo' }, partes), control };
}

// <select> from [[valor, texto], ...]; actual is selected.
export function selector(opciones, actual, attrs) {
  const sel = h('select', attrs || {});
  for (const [v, t] of opciones) {
    const o = h('option', { value: v }, t);
    if (String(v) === String(actual ?? '')) o.selected = true;
    sel.append(o);
  }
  return sel;
}

// Marks a control invalid with a message under it (and clears it with null).
export function marcarError(control, mensaje) {
  const id = control.id + '-error';
  let el = document.getElementById(id);
  if (!mensaje) {
    control.removeAttribute('aria-invalid');
    if (el) el.remove();
    return;
  }
  control.setAttribute('aria-invalid', 'true');
  if (!el) {
    el = h('small', { id, class: 'error-campo' });
    control.after(el);
  }
  el.textContent = mensaje;
  const desc = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!desc.includes(id)) desc.push(id);
  control.setAttribute('aria-describedby', desc.join(' '));
}

// A modal <dialog> (focus trapped, Escape closes) with a title, a body and buttons.
// acciones: [{texto, clase, alPulsar(dialogo) -> Promise<boolean> (true closes)}].
export function dialogo(titulo, cuerpo, acciones) {
  const tid = nuevoId('dlg');
  const error = h('p', { class: 'error-dialogo', role: 'alert', hidden: true });
  const botones = h('div', { class: 'botones' });
  const dlg = h('dialog', { 'aria-labelledby': tid, class: 'dialogo' },
    h('h2', { id: tid }, titulo), cuerpo, error, botones);
  const cerrar = () => { dlg.close(); dlg.remove(); };
  dlg.mostrarError = (msg) => { error.textContent = msg || ''; error.hidden = !msg; };
  for (const a of acciones) {
    const b = h('button', { type: 'button', class: a.clase || '' }, a.texto);
    b.addEventListener('click', async () => {
      if (!a.alPulsar) { cerrar(); return; }
      b.disabled = true;
      try {
        if (await a.alPulsar(dlg)) cerrar();
      } finally {
        b.disabled = false;
      }
    });
    botones.append(b);
  }
  dlg.addEventListener('cancel', () => setTimeout(() => dlg.remove(), 0));
  document.body.append(dlg);
  dlg.showModal();
  const primero = dlg.querySelector('input:not([type=hidden]), select, textarea, button');
  if (primero) primero.focus();
  return dlg;
}

// A definition list from [[term, value], ...] (value: text or node; empty shows a dash).
export function datos(pares, clase) {
  const dl = h('dl', { class: clase || 'datos' });
  for (const [t, v] of pares) {
    dl.append(h('dt', {}, t), h('dd', {}, v === null || v === undefined || v === '' ? '—' : v));
  }
  return dl;
}

// A table: columnas [{titulo, clase}], filas [[celda...]] (celda: text or node).
export function tabla(titulo, columnas, filas, opciones) {
  const o = opciones || {};
  const cap = h('caption', { class: o.captionOculta ? 'oculto' : '' }, titulo);
  const thead = h('thead', {}, h('tr', {}, columnas.map((c) =>
    h('th', { scope: 'col', class: c.clase || '' }, c.titulo))));
  const tbody = h('tbody');
  for (const f of filas) {
    tbody.append(h('tr', {}, f.map((celda, i) =>
      h('td', { class: (columnas[i] && columnas[i].clase) || '' },
        celda === null || celda === undefined || celda === '' ? '—' : celda))));
  }
  if (filas.length === 0) {
    tbody.append(h('tr', {}, h('td', { colspan: columnas.length, class: 'vacio' },
      o.vacio || 'Sin datos.')));
  }
  return h('table', { class: o.clase || 'tabla' }, cap, thead, tbody);
}
