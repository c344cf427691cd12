// bandeja.js -- the inbox: the office's sheet of filings with filters, sorting, paging and
// totals. The Director opens on the unassigned ones, a lawyer on their own, and assigns from
// here: a «Repartir» button in each unassigned row (the suggestion preselected) and
// «Repartir seleccionados» for the rows ticked (POST /api/reparto, all or nothing).
// A lawyer opens on their own open filings by fecha límite; «Vencidos» and «Por vencer»
// count under the filters in force and filter by themselves keeping the others; apoyo and
// the Director see «Pendientes de legalización». The view (filters, order, page) lives in
// the address (#/bandeja?…): reload, back/forward and a pasted link restore it, and the
// scroll position goes in history.state. «Mis vistas» (vistas.js) keeps it under a name.

import { api, conParametros, ApiError } from './api.js';
import { h, vaciar, campo, selector, marcarError, aviso, recordarFoco } from './dom.js';
import { ESTADOS, TIPOS_TRAMITE, etiqueta, fecha, fechaISO, miles } from './fmt.js';
import { indicadoresActuales, slaDe, textoDias, semaforo } from './sla.js';
import { barraVistas } from './vistas.js';
import { adelantar, adelantado } from './arranque.js';

const CLAVE = 'segcont.bandeja.';
const POR_PAGINA = [25, 50, 100];
const ORDENABLES = { numero: 'Radicado', fecha: 'Fecha', tipo_tramite: 'Tipo de trámite', estado: 'Estado',
  fecha_limite: 'Fecha límite', dias_restantes: 'Días restantes' };
const ORDENES = ['fecha', 'numero', 'estado', 'tipo_tramite', 'fecha_reparto', 'fecha_limite', 'dias_restantes'];
const SEMAFOROS = { vencido: 'Vencidos', por_vencer: 'Por vencer', a_tiempo: 'A tiempo' };
const FALTANTES = { fecha_rp: 'RP', fecha_aprobacion_garantias: 'Garantías', fecha_arl: 'ARL',
  fecha_acta_inicio: 'Acta de inicio', publicado_secop: 'SECOP' };

// «Sin repartir»: the business days a filing has waited since it arrived.
const enEspera = (n) => 'En espera: ' + miles(n) + (n === 1 ? ' día hábil' : ' días hábiles');

// No filter at all: what a view's address starts from (so a pasted link is the same view
// whoever opens it).
function filtrosVacios() {
  return { estado: '', abogado_id: '', tipo_tramite: '', desde: '', hasta: '', q: '', abiertos: false, semaforo: '',
    legalizacion: false, orden: '-fecha', pagina: 1, por_pagina: 50 };
}

function filtrosIniciales(ctx) {
  const base = filtrosVacios();
  if (ctx.yo.rol === 'director') return Object.assign(base, { estado: 'recibido', orden: 'fecha' });
  if (ctx.yo.rol === 'abogado') return Object.assign(base, { abogado_id: String(ctx.yo.id), abiertos: true, orden: 'fecha_limite' });
  return base;
}

// ---- The view in the address: #/bandeja?estado=…&orden=…

const FECHA_RE = /^\d{4}-\d{2}-\d{2}$/;

// The filters a hash's query names (null without a query); values not understood are
// left at their empty default.
export function filtrosDeHash(hash) {
  const i = hash.indexOf('?');
  if (i < 0) return null;
  const p = new URLSearchParams(hash.slice(i + 1));
  const f = filtrosVacios();
  const txt = (k) => (p.get(k) || '').trim();
  if (txt('estado') && Object.prototype.hasOwnProperty.call(ESTADOS, txt('estado'))) f.estado = txt('estado');
  if (/^[1-9]\d{0,17}$/.test(txt('abogado_id'))) f.abogado_id = txt('abogado_id');
  if (txt('tipo_tramite') && Object.prototype.hasOwnProperty.call(TIPOS_TRAMITE, txt('tipo_tramite'))) f.tipo_tramite = txt('tipo_tramite');
  if (FECHA_RE.test(txt('desde'))) f.desde = txt('desde');
  if (FECHA_RE.test(txt('hasta'))) f.hasta = txt('hasta');
  f.q = (p.get('q') || '').slice(0, 200);
  f.abiertos = p.get('abiertos') === '1';
  if (Object.prototype.hasOwnProperty.call(SEMAFOROS, txt('semaforo'))) f.semaforo = txt('semaforo');
  f.legalizacion = p.get('legalizacion_pendiente') === '1';
  if (ORDENES.includes(txt('orden').replace(/^-/, ''))) f.orden = txt('orden');
  const pag = Number(txt('pagina'));
  if (Number.isInteger(pag) && pag >= 1) f.pagina = pag;
  if (POR_PAGINA.includes(Number(txt('por_pagina')))) f.por_pagina = Number(txt('por_pagina'));
  return f;
}

// The hash of a view: every filter in force, the order always, the page when not the first.
export function hashDeFiltros(f) {
  const p = new URLSearchParams();
  for (const k of ['estado', 'abogado_id', 'tipo_tramite', 'desde', 'hasta', 'q', 'semaforo']) {
    if (f[k]) p.set(k, String(f[k]));
  }
  if (f.abiertos) p.set('abiertos', '1');
  if (f.legalizacion) p.set('legalizacion_pendiente', '1');
  p.set('orden', f.orden);
  if (f.pagina > 1) p.set('pagina', String(f.pagina));
  if (f.por_pagina !== 50) p.set('por_pagina', String(f.por_pagina));
  return '#/bandeja?' + p.toString();
}

// The address's view; a bare #/bandeja (the menu's link) is this tab's last view, or the
// role's default.
function leerFiltros(ctx) {
  const deHash = filtrosDeHash(location.hash);
  if (deHash) return deHash;
  try {
    const g = JSON.parse(sessionStorage.getItem(CLAVE + ctx.yo.id) || 'null');
    if (g && typeof g === 'object') return Object.assign(filtrosVacios(), g);
  } catch (e) {
    // a damaged saved state: start again
  }
  return filtrosIniciales(ctx);
}

// Keeps this tab's last view and puts it in the address: a new history entry when the
// view changed (nueva), the same entry otherwise (the first showing of a bare #/bandeja).
function guardarFiltros(ctx, f, nueva) {
  sessionStorage.setItem(CLAVE + ctx.yo.id, JSON.stringify(f));
  const hash = hashDeFiltros(f);
  if (location.hash === hash) return;
  if (nueva) {
    guardarScroll();
    history.pushState({ scrollY: Math.round(window.scrollY) }, '', hash);
  } else {
    history.replaceState(history.state, '', hash);
  }
}

// The scroll position of the current history entry, kept as the user scrolls; restored
// when the entry is shown again (back/forward, reload).
function guardarScroll() {
  const st = Object.assign({}, history.state || {}, { scrollY: Math.round(window.scrollY) });
  history.replaceState(st, '', location.href);
}
let seguirScroll = false;
let pintando = 0; // while a view is drawn (the page empty, short), its scroll is not the user's
function vigilarScroll() {
  if (seguirScroll) return;
  seguirScroll = true;
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  let pendiente = null;
  window.addEventListener('scroll', () => {
    if (pendiente !== null) clearTimeout(pendiente);
    pendiente = setTimeout(() => {
      pendiente = null;
      if (pintando === 0 && location.hash.startsWith('#/bandeja')) guardarScroll();
    }, 150);
  }, { passive: true });
}

export async function mostrarBandeja(cont, ctx, vigente) {
  vigilarScroll();
  // The entry's own position, read before anything is drawn; set again once it is.
  const y = history.state && Number.isFinite(history.state.scrollY) ? history.state.scrollY : 0;
  // Set as soon as the rows are drawn, and again once the view is whole (what arrives later
  // fills places above the rows: the page is only then as tall as when y was saved) unless
  // the reader scrolled meanwhile. Scroll anchoring is off while drawing, so that those
  // places do not move the position by themselves.
  const raiz = document.documentElement;
  let alDibujar = null;
  const filasDibujadas = () => {
    if (alDibujar !== null || !vigente()) return;
    window.scrollTo(0, y);
    alDibujar = window.scrollY;
  };
  pintando += 1;
  raiz.style.overflowAnchor = 'none';
  try {
    await pintarBandeja(cont, ctx, vigente, filasDibujadas);
  } finally {
    // After the router's focus on the title.
    setTimeout(() => {
      if (vigente() && (alDibujar === null || window.scrollY === alDibujar)) window.scrollTo(0, y);
      raiz.style.overflowAnchor = '';
      pintando -= 1;
    }, 0);
  }
}

// The first rows wait only for the list: they carry their own "sla" block, so
// /api/indicadores is asked only of an older server. The lawyers' load (asked with the list)
// then adds the cards of the queue, the filter form and the reparto controls; the rest is
// asked once the rows are drawn and fills its place when it arrives: the «Pendientes de
// legalización» card, «Mis vistas» and the Director's reparto suggestion (the table gets
// data-sugerencia="lista" then). The view resolves when all but the suggestion are drawn.
async function pintarBandeja(cont, ctx, vigente, filasDibujadas) {
  const f = leerFiltros(ctx);
  const legal = ctx.yo.rol === 'apoyo' || ctx.yo.rol === 'director';
  const pidiendoCarga = api('GET', '/api/abogados/carga');
  pidiendoCarga.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
  const ruta = rutaLista(f);
  const lista = await (adelantado(ruta) || api('GET', ruta));
  const faltaSla = lista.radicados.some((r) => !r.sla);
  const ind = faltaSla ? await indicadoresActuales().catch(() => null) : null;
  if (!vigente()) return;
  // A page past the end (after a filter or a change): go to the last one.
  const paginas = Math.max(1, Math.ceil(lista.total / f.por_pagina));
  if (f.pagina > paginas) {
    f.pagina = paginas;
    guardarFiltros(ctx, f, false);
    return pintarBandeja(vaciar(cont), ctx, vigente, filasDibujadas);
  }
  guardarFiltros(ctx, f, false);
  const recargar = async () => {
    guardarFiltros(ctx, f, true);
    const volver = recordarFoco();
    try {
      await mostrarBandeja(vaciar(cont), ctx, vigente);
    } catch (e) {
      cont.append(h('div', { class: 'nota nota-error', role: 'alert' }, e.message));
    }
    if (!volver(cont)) {
      const t = cont.querySelector('h1');
      if (t) t.focus({ preventScroll: true });
    }
  };
  const rep = ctx.yo.rol === 'director' ? datosReparto(lista) : null;

  const sub = h('p', { class: 'sub' }, descripcionFiltro(f, ctx, null));
  cont.append(h('div', { class: 'cabecera-vista' }, h('h1', { tabindex: '-1' }, 'Bandeja de radicados'), sub));
  const cards = totales(f, ctx, lista.conteos, recargar);
  cont.append(cards.seccion);
  const lugarFiltros = h('div', { class: 'filtros-pendiente', hidden: true });
  const lugarVistas = h('div', { class: 'barra-vistas-pendiente', hidden: true });
  cont.append(lugarFiltros, lugarVistas);
  const exacto = avisoNumeroExacto(lista.numero_exacto);
  if (exacto) cont.append(exacto);
  if (rep) cont.append(barraReparto(rep, recargar));
  const envoltura = tablaRadicados(lista, f, ind, recargar, rep);
  cont.append(envoltura);
  cont.append(paginacion(lista, f, paginas, recargar));
  if (filasDibujadas) filasDibujadas();
  // Asked only now, so that they do not hold the server's threads while it answers the list.
  const pidiendoLegal = legal ? api('GET', '/api/radicados?legalizacion_pendiente=1&por_pagina=1').then((d) => d.total, () => null) : null;
  const pidiendoVistas = api('GET', '/api/vistas').then((d) => d.vistas, () => null);
  const carga = await pidiendoCarga;
  if (!vigente()) return;
  sub.textContent = descripcionFiltro(f, ctx, carga);
  cards.carga(carga);
  lugarFiltros.replaceWith(formularioFiltros(f, ctx, carga, recargar));
  if (rep) {
    conAbogados(rep, carga, recargar);
    cargarSugerencias(rep, envoltura.querySelector('table'), vigente);
  }
  const [n, vistas] = await Promise.all([pidiendoLegal, pidiendoVistas]);
  if (!vigente()) return;
  if (n !== null && n !== undefined) cards.legalizacion(n);
  lugarVistas.replaceWith(barraVistas(vistas));
}

// The list's request for a view's filters (with the counts of its cards).
function rutaLista(f) {
  return conParametros('/api/radicados', {
    estado: f.estado, abogado_id: f.abogado_id, tipo_tramite: f.tipo_tramite, desde: f.desde,
    hasta: f.hasta, q: f.q, abiertos: f.abiertos ? 1 : '', semaforo: f.semaforo,
    legalizacion_pendiente: f.legalizacion ? 1 : '', orden: f.orden, pagina: f.pagina,
    por_pagina: f.por_pagina, conteos: 1,
  });
}

function descripcionFiltro(f, ctx, carga) {
  const extra = (f.semaforo ? ' Solo ' + SEMAFOROS[f.semaforo].toLowerCase() + '.' : '');
  return descripcionBase(f, ctx, carga) + extra;
}

function descripcionBase(f, ctx, carga) {
  if (f.legalizacion) return 'Contratos firmados con la legalización pendiente (RP, garantías, ARL, acta de inicio o SECOP).';
  if (f.abiertos && f.abogado_id && String(f.abogado_id) === String(ctx.yo.id)) {
    return 'Sus radicados abiertos' + (f.orden === 'fecha_limite' ? ', del plazo más próximo al más lejano.' : '.');
  }
  if (f.estado === 'recibido' && !f.abogado_id && !f.q) {
    return 'Radicados sin repartir' + (f.orden === 'fecha' ? ', del más antiguo al más reciente.' : '.');
  }
  if (f.abogado_id && String(f.abogado_id) === String(ctx.yo.id)) return 'Radicados asignados a usted.';
  if (f.abogado_id) {
    const a = carga ? carga.abogados.find((x) => String(x.id) === String(f.abogado_id)) : null;
    return 'Radicados asignados a ' + (a ? a.nombre : 'el abogado ' + f.abogado_id) + '.';
  }
  return 'Todos los radicados de la oficina que cumplen los filtros.';
}

// The cards: the office's queue and load, and «Vencidos» / «Por vencer» under the filters in
// force (conteos of GET /api/radicados), which filter by themselves keeping the others. The
// queue's cards come first once the lawyers' load arrives (carga), «Pendientes de
// legalización» last once its count does (legalizacion).
function totales(f, ctx, conteos, recargar) {
  const tarjeta = (id, titulo, valor, alPulsar, clase, activa, detalle) => {
    const cuerpo = [h('span', { class: 'cifra' }, valor === null || valor === undefined ? '—' : miles(valor)), ' ', h('span', { class: 'titulo' }, titulo)];
    const attrs = { class: ['tarjeta', clase], 'data-cifra': id };
    if (!alPulsar) return h('div', attrs, cuerpo);
    return h('button', Object.assign(attrs, { type: 'button', onclick: alPulsar, 'aria-pressed': activa ? 'true' : 'false',
      'aria-label': (valor === null || valor === undefined ? 'sin dato' : miles(valor)) + ' ' + titulo + (detalle || '') + '. Mostrar' }), cuerpo);
  };
  const aplicar = (cambios) => () => {
    Object.assign(f, filtrosVacios(), { por_pagina: f.por_pagina }, cambios);
    recargar();
  };
  // «Vencidos» / «Por vencer»: the SLA filter on (or off again), the other filters kept.
  const semaforo = (valor) => () => {
    f.semaforo = f.semaforo === valor ? '' : valor;
    f.pagina = 1;
    recargar();
  };
  const conFiltros = ' (con los filtros actuales)';
  const seccion = h('section', { class: 'totales', 'aria-label': 'Totales' },
    tarjeta('vencidos', 'Vencidos', conteos ? conteos.vencidos : null, semaforo('vencido'), 'rojo', f.semaforo === 'vencido', conFiltros),
    tarjeta('por_vencer', 'Por vencer', conteos ? conteos.por_vencer : null, semaforo('por_vencer'), 'ambar', f.semaforo === 'por_vencer', conFiltros));
  const carga = (c) => {
    const enCurso = c.abogados.reduce((n, a) => n + (a.abiertos || 0), 0);
    const items = [tarjeta('sin_repartir', 'Sin repartir', c.sin_repartir, aplicar({ estado: 'recibido', orden: 'fecha' }), null,
      f.estado === 'recibido' && !f.abogado_id), tarjeta('en_curso', 'En curso (asignados)', enCurso, null)];
    if (ctx.yo.rol === 'abogado') {
      const mio = c.abogados.find((a) => a.id === ctx.yo.id);
      items.push(tarjeta('mis_abiertos', 'Mis abiertos', mio ? mio.abiertos : 0,
        aplicar({ abogado_id: String(ctx.yo.id), abiertos: true, orden: 'fecha_limite' }), null,
        f.abiertos && String(f.abogado_id) === String(ctx.yo.id) && !f.semaforo));
    }
    seccion.prepend(...items);
  };
  const legalizacion = (n) => seccion.append(tarjeta('legalizacion', 'Pendientes de legalización', n,
    aplicar({ legalizacion: true, orden: 'fecha' }), null, f.legalizacion));
  return { seccion, carga, legalizacion };
}

function formularioFiltros(f, ctx, carga, recargar) {
  const estado = campo('Estado', selector([['', 'Todos'], ...Object.entries(ESTADOS)], f.estado, { name: 'estado' }));
  const abogados = [['', 'Todos'], ...carga.abogados.map((a) => [String(a.id), a.nombre + (a.activo ? '' : ' (inactivo)')])];
  if (f.abogado_id && !abogados.some(([v]) => v === String(f.abogado_id))) abogados.push([String(f.abogado_id), 'Usuario ' + f.abogado_id]);
  const abogado = campo('Abogado', selector(abogados, f.abogado_id, { name: 'abogado_id' }));
  const tipo = campo('Tipo de trámite', selector([['', 'Todos'], ...Object.entries(TIPOS_TRAMITE)], f.tipo_tramite, { name: 'tipo_tramite' }));
  const attrsFecha = { type: 'text', inputmode: 'numeric', placeholder: 'dd/mm/aaaa', autocomplete: 'off', size: 10, maxlength: 10 };
  const desde = campo('Radicado desde', h('input', Object.assign({ name: 'desde', value: fecha(f.desde) }, attrsFecha)));
  const hasta = campo('Radicado hasta', h('input', Object.assign({ name: 'hasta', value: fecha(f.hasta) }, attrsFecha)));
  const q = campo('Buscar', h('input', { type: 'search', name: 'q', value: f.q, placeholder: 'número o asunto', maxlength: 200 }));
  const sem = campo('Semáforo', selector([['', 'Todos'], ...Object.entries(SEMAFOROS)], f.semaforo, { name: 'semaforo' }));
  const abiertos = h('input', { type: 'checkbox', name: 'abiertos', id: 'filtro-abiertos', checked: !!f.abiertos });
  const legal = h('input', { type: 'checkbox', name: 'legalizacion_pendiente', id: 'filtro-legalizacion', checked: !!f.legalizacion });
  const form = h('form', { class: 'filtros', role: 'search', 'aria-label': 'Filtros de la bandeja' },
    estado.campo, abogado.campo, tipo.campo, desde.campo, hasta.campo, q.campo,
    sem.campo,
    h('div', { class: 'campo casilla' }, abiertos, h('label', { for: 'filtro-abiertos' }, 'Solo abiertos')),
    h('div', { class: 'campo casilla' }, legal, h('label', { for: 'filtro-legalizacion' }, 'Pendientes de legalización')),
    h('div', { class: 'botones' },
      h('button', { type: 'submit', class: 'primario' }, 'Filtrar'),
      h('button', { type: 'button', class: 'secundario', onclick: () => {
        Object.assign(f, filtrosVacios(), { por_pagina: f.por_pagina });
        recargar();
      } }, 'Ver todos')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    let ok = true;
    const fechas = {};
    for (const [c, nombre] of [[desde.control, 'desde'], [hasta.control, 'hasta']]) {
      const t = c.value.trim();
      fechas[nombre] = t ? fechaISO(t) : '';
      marcarError(c, t && !fechas[nombre] ? 'Escriba una fecha real como dd/mm/aaaa.' : null);
      if (t && !fechas[nombre]) ok = false;
    }
    if (ok && fechas.desde && fechas.hasta && fechas.desde > fechas.hasta) {
      marcarError(hasta.control, '«Hasta» es anterior a «desde».');
      ok = false;
    }
    if (!ok) {
      aviso('Revise las fechas del filtro.', 'error');
      return;
    }
    Object.assign(f, {
      estado: estado.control.value, abogado_id: abogado.control.value, tipo_tramite: tipo.control.value,
      desde: fechas.desde, hasta: fechas.hasta, q: q.control.value.trim(), pagina: 1,
    });
    Object.assign(f, { semaforo: sem.control.value, abiertos: abiertos.checked, legalizacion: legal.checked });
    recargar();
  });
  return form;
}

function encabezado(titulo, clave, f, recargar) {
  if (!clave) return h('th', { scope: 'col' }, titulo);
  const actual = f.orden.replace(/^-/, '');
  const desc = f.orden.startsWith('-');
  const activo = actual === clave;
  const sort = activo ? (desc ? 'descending' : 'ascending') : 'none';
  const b = h('button', { type: 'button', class: 'ordenar', onclick: () => {
    f.orden = activo && !desc ? '-' + clave : clave;
    f.pagina = 1;
    recargar();
  } }, titulo, h('span', { class: 'flecha', 'aria-hidden': 'true' }, activo ? (desc ? ' ▼' : ' ▲') : ''));
  return h('th', { scope: 'col', 'aria-sort': sort }, b);
}

// The filing whose number was typed in «Buscar» (GET /api/radicados's numero_exacto):
// where it is and a link to its ficha, above all when the filters in force hide it.
function avisoNumeroExacto(ne) {
  if (!ne) return null;
  const donde = ['El radicado ', h('a', { href: '#/radicado/' + encodeURIComponent(ne.numero) }, ne.numero),
    ' está en estado «' + etiqueta(ESTADOS, ne.estado) + '»', ne.abogado ? ', asignado a ' + ne.abogado : ''];
  return ne.fuera_de_filtros
    ? h('p', { class: 'nota', id: 'numero-exacto', role: 'status' }, donde, '; los filtros en vigor no lo muestran. ',
      h('a', { href: '#/radicado/' + encodeURIComponent(ne.numero) }, 'Abrir su ficha'), '.')
    : h('p', { class: 'nota', id: 'numero-exacto', role: 'status' }, donde, ' y aparece en la lista.');
}

function tablaRadicados(lista, f, ind, recargar, rep) {
  const cols = [['Radicado', 'numero'], ['Fecha', 'fecha'], ['Área solicitante'], ['Asunto'], ['Tipo de trámite', 'tipo_tramite'],
    ['Abogado'], ['Estado', 'estado'], ['Fecha límite', 'fecha_limite'], ['Días hábiles / meta', 'dias_restantes'], ['Semáforo']];
  if (f.legalizacion) cols.push(['Falta por legalizar']);
  const tbody = h('tbody');
  for (const r of lista.radicados) {
    const x = slaDe(r, r.sla, ind);
    tbody.append(h('tr', { 'data-numero': r.numero },
      rep ? h('td', { class: 'sel' }, casillaFila(rep, r)) : null,
      h('td', { class: 'num' }, h('a', { href: '#/radicado/' + encodeURIComponent(r.numero) }, r.numero)),
      h('td', { class: 'fecha' }, fecha(r.fecha_radicacion)),
      h('td', { class: 'area', title: r.dependencia_origen_nombre || '' }, r.dependencia_origen_nombre || '—'),
      h('td', { class: 'asunto', title: r.asunto }, r.asunto),
      h('td', {}, etiqueta(TIPOS_TRAMITE, r.tipo_tramite)),
      h('td', {}, r.abogado || h('span', { class: 'tenue' }, 'Sin asignar')),
      h('td', {}, h('span', { class: 'estado e-' + r.estado }, etiqueta(ESTADOS, r.estado)),
        r.estado_ds === 'anulado' ? h('span', { class: 'estado e-anulado' }, 'Anulado en SGD') : null),
      h('td', { class: 'fecha limite' }, r.sla && r.sla.fecha_limite && x.estado !== 'no_aplica' ? fecha(r.sla.fecha_limite) : '—'),
      h('td', { class: 'dias', title: r.sla && r.sla.reloj !== 'detenido' && Number.isFinite(r.sla.dias_restantes) ? 'Días hábiles restantes: ' + miles(r.sla.dias_restantes) : null },
        r.sla && Number.isFinite(r.sla.dias_en_espera) ? enEspera(r.sla.dias_en_espera) : textoDias(x)),
      h('td', {}, semaforo(x.estado)),
      f.legalizacion ? h('td', { class: 'faltantes' }, faltantes(r)) : null,
      rep ? h('td', { class: 'celda-reparto' }, repartoFila(rep, r)) : null));
  }
  if (lista.radicados.length === 0) {
    tbody.append(h('tr', {}, h('td', { colspan: cols.length + (rep ? 2 : 0), class: 'vacio' }, 'Ningún radicado cumple los filtros.')));
  }
  const desde = lista.total === 0 ? 0 : (lista.pagina - 1) * lista.por_pagina + 1;
  const hasta = Math.min(lista.total, lista.pagina * lista.por_pagina);
  return h('div', { class: 'tabla-envoltura' },
    h('table', { class: 'tabla bandeja', id: 'tabla-bandeja' },
      h('caption', {}, 'Radicados: ', h('span', { id: 'total-radicados' }, miles(lista.total)),
        lista.total > 0 ? ' (se muestran del ' + miles(desde) + ' al ' + miles(hasta) + ')' : ''),
      h('thead', {}, h('tr', {}, rep ? h('th', { scope: 'col', class: 'sel' }, rep.todos) : null,
        cols.map(([t, k]) => encabezado(t, k && ORDENABLES[k] ? k : null, f, recargar)),
        rep ? h('th', { scope: 'col' }, 'Reparto') : null)),
      tbody));
}

// What a signed contract still lacks, as the office names it («RP, ARL, SECOP»).
function faltantes(r) {
  const l = Array.isArray(r.legalizacion_pendiente) ? r.legalizacion_pendiente : [];
  if (l.length === 0) return h('span', { class: 'tenue' }, 'Nada');
  return h('ul', { class: 'lista-faltantes' }, l.map((k) => h('li', { 'data-falta': k }, FALTANTES[k] || k)));
}

function paginacion(lista, f, paginas, recargar) {
  const ir = (p) => () => { f.pagina = p; recargar(); };
  const pp = campo('Por página', selector(POR_PAGINA.map((n) => [String(n), String(n)]), String(f.por_pagina), { name: 'por_pagina' }));
  pp.control.addEventListener('change', () => {
    f.por_pagina = Number(pp.control.value);
    f.pagina = 1;
    recargar();
  });
  return h('nav', { class: 'paginacion', 'aria-label': 'Páginas de la bandeja' },
    h('button', { type: 'button', class: 'secundario', disabled: f.pagina <= 1, onclick: ir(f.pagina - 1) }, '« Anterior'),
    h('span', { 'aria-live': 'polite' }, 'Página ' + miles(f.pagina) + ' de ' + miles(paginas)),
    h('button', { type: 'button', class: 'secundario', disabled: f.pagina >= paginas, onclick: ir(f.pagina + 1) }, 'Siguiente »'),
    pp.campo);
}

// ---- Reparto from the bandeja (Director)

const repartible = (r) => r.estado === 'recibido' && r.estado_ds !== 'anulado';
const tipoDe = (r) => r.tipo_tramite || 'otro';

// The page's unassigned rows and the selection's state; the active lawyers (conAbogados) and
// the suggestion of each tipo de trámite (cargarSugerencias) come after the rows are drawn.
function datosReparto(lista) {
  const filas = lista.radicados.filter(repartible);
  const rep = { filas, sugerencias: {}, abogados: [], sel: new Set(), casillas: [], selectores: [], celdas: [], listas: Promise.resolve() };
  rep.todos = h('input', { type: 'checkbox', id: 'sel-todos', 'aria-label': 'Seleccionar todos los radicados sin repartir de esta página',
    disabled: filas.length === 0, onchange: () => {
      for (const c of rep.casillas) {
        c.checked = rep.todos.checked;
        if (c.checked) rep.sel.add(c.value); else rep.sel.delete(c.value);
      }
      actualizarSeleccion(rep);
    } });
  return rep;
}

// The suggestion (GET /api/abogados/carga?tipo_tramite=) for the page's unassigned rows,
// asked once the rows are on screen. Its order of lawyers does not depend on the tipo (each
// lawyer's score weighs the filings they hold); the tipo gives only the meta, which each row's
// "sla" block carries too. So one answer serves every tipo whose meta a row states; a tipo
// without it is asked by itself. The table gets data-sugerencia="lista" when done.
function cargarSugerencias(rep, tabla, vigente) {
  const metas = {};
  for (const r of rep.filas) {
    if (r.sla && Number.isFinite(r.sla.meta) && !(tipoDe(r) in metas)) metas[tipoDe(r)] = r.sla.meta;
  }
  const tipos = [...new Set(rep.filas.map(tipoDe))];
  const pedir = (t) => api('GET', conParametros('/api/abogados/carga', { tipo_tramite: t })).then((d) =>
    (d.sugerencia && Array.isArray(d.sugerencia.abogados) ? d.sugerencia : null), (e) => {
    if (!(e instanceof ApiError)) throw e; // without a suggestion the rows preselect nobody
    return null;
  });
  rep.listas = (async () => {
    if (tipos.length === 0) return;
    const conMeta = tipos.filter((t) => t in metas);
    const base = conMeta.length ? await pedir(conMeta[0]) : null;
    const solos = tipos.filter((t) => !(t in metas) || !base);
    const propias = await Promise.all(solos.map(pedir));
    if (base) {
      for (const t of conMeta) rep.sugerencias[t] = t === base.tipo_tramite ? base : Object.assign({}, base, { tipo_tramite: t, meta: metas[t] });
    }
    solos.forEach((t, i) => { if (propias[i]) rep.sugerencias[t] = propias[i]; });
  })().catch(() => {});
  rep.listas.then(() => {
    if (!vigente()) return;
    for (const { sel, r } of rep.selectores) sugerirEnFila(rep, sel, r);
    tabla.dataset.sugerencia = 'lista';
  });
}

function actualizarSeleccion(rep) {
  const n = rep.sel.size;
  rep.todos.checked = n > 0 && n === rep.casillas.length;
  rep.todos.indeterminate = n > 0 && n < rep.casillas.length;
  if (rep.cuenta) rep.cuenta.textContent = n === 1 ? '1 radicado seleccionado' : miles(n) + ' radicados seleccionados';
  if (rep.boton) rep.boton.disabled = n === 0;
}

// A row's tick; with Shift, every row from the last one ticked to this one takes its state.
function casillaFila(rep, r) {
  if (!repartible(r)) return null;
  const i = rep.casillas.length;
  const c = h('input', { type: 'checkbox', class: 'sel-radicado', value: r.numero, 'aria-label': 'Seleccionar el radicado ' + r.numero,
    onclick: (ev) => {
      const desde = ev.shiftKey && rep.ultima !== undefined ? Math.min(rep.ultima, i) : i;
      const hasta = ev.shiftKey && rep.ultima !== undefined ? Math.max(rep.ultima, i) : i;
      for (let k = desde; k <= hasta; k++) {
        const x = rep.casillas[k];
        x.checked = c.checked;
        if (x.checked) rep.sel.add(x.value); else rep.sel.delete(x.value);
      }
      rep.ultima = i;
      actualizarSeleccion(rep);
    } });
  rep.casillas.push(c);
  return c;
}

// The suggestion's spread, simulated here: each filing goes to the first lawyer by the
// server's order (indicators_suggest_reparto: lower score, fewer urgent, more days left on
// the most pressing filing, lower id), and that lawyer's score then grows by the filing's
// meta (a new filing weighs its meta; its clock starts with meta days left) before the next.
export function repartoSugerido(filas, sugerencias) {
  const carga = new Map();
  for (const s of Object.values(sugerencias)) {
    for (const a of s.abogados) {
      if (!carga.has(a.abogado_id)) {
        carga.set(a.abogado_id, { id: a.abogado_id, puntaje: a.puntaje, urgentes: a.urgentes,
          min: a.dias_restantes_min === null || a.dias_restantes_min === undefined ? Infinity : a.dias_restantes_min });
      }
    }
  }
  const antes = (a, b) => a.puntaje - b.puntaje || a.urgentes - b.urgentes || (a.min === b.min ? 0 : a.min > b.min ? -1 : 1) || a.id - b.id;
  const plan = [];
  for (const r of filas) {
    const s = sugerencias[tipoDe(r)];
    const primero = [...carga.values()].sort(antes)[0];
    if (!s || !primero) return null;
    primero.puntaje += s.meta;
    primero.min = Math.min(primero.min, s.meta);
    plan.push({ numero: r.numero, abogado_id: primero.id });
  }
  return plan;
}

async function enviarReparto(rep, asignaciones, recargar) {
  const nombres = new Map(rep.abogados.map((a) => [a.id, a.nombre]));
  try {
    const res = await api('POST', '/api/reparto', { asignaciones });
    const por = new Map();
    for (const x of res.radicados) por.set(x.abogado_id, (por.get(x.abogado_id) || 0) + 1);
    const partes = [...por].map(([id, n]) => miles(n) + ' a ' + (nombres.get(id) || 'el usuario ' + id));
    aviso((res.repartidos === 1 ? 'Se repartió 1 radicado: ' : 'Se repartieron ' + miles(res.repartidos) + ' radicados: ') + partes.join(', ') + '.', 'ok');
    await recargar();
  } catch (e) {
    aviso('No se repartió ninguno. ' + e.message, 'error');
  }
}

function barraReparto(rep, recargar) {
  if (rep.filas.length === 0) return null;
  rep.lugarDestino = h('div', { class: 'campo destino-pendiente', hidden: true });
  rep.cuenta = h('span', { class: 'cuenta', id: 'n-seleccionados', 'aria-live': 'polite' });
  rep.boton = h('button', { type: 'button', class: 'primario', 'data-accion': 'repartir-seleccionados', onclick: async () => {
    const filas = rep.filas.filter((r) => rep.sel.has(r.numero));
    const destino = rep.destino ? rep.destino.value : 'sugerencia';
    let plan;
    if (destino === 'sugerencia') {
      await rep.listas;
      plan = repartoSugerido(filas, rep.sugerencias);
      if (!plan) {
        aviso('La sugerencia de reparto no está disponible; elija un abogado.', 'error');
        return;
      }
    } else {
      plan = filas.map((r) => ({ numero: r.numero, abogado_id: Number(destino) }));
    }
    rep.boton.disabled = true;
    await enviarReparto(rep, plan, recargar);
    if (rep.boton.isConnected) actualizarSeleccion(rep);
  } }, 'Repartir seleccionados');
  actualizarSeleccion(rep);
  return h('div', { class: 'barra-reparto', role: 'group', 'aria-label': 'Reparto de los radicados seleccionados' },
    rep.cuenta, rep.lugarDestino, h('div', { class: 'botones' }, rep.boton));
}

// The lawyers' load arrived: the active lawyers in «Repartir a» and in each row's list.
function conAbogados(rep, carga, recargar) {
  rep.abogados = carga.abogados.filter((a) => a.activo).map((a) => ({ id: a.id, nombre: a.nombre, abiertos: a.abiertos || 0 }));
  if (rep.lugarDestino) {
    const destino = campo('Repartir a', selector([['sugerencia', 'Según la sugerencia (reparte por carga)'],
      ...rep.abogados.map((a) => [String(a.id), a.nombre + ' (' + miles(a.abiertos) + (a.abiertos === 1 ? ' abierto)' : ' abiertos)')])], 'sugerencia', { name: 'destino-reparto' }));
    rep.destino = destino.control;
    rep.lugarDestino.replaceWith(destino.campo);
  }
  for (const { celda, r } of rep.celdas) celda.append(...controlesFila(rep, r, recargar));
}

// A row's «Repartir»: the lawyer the suggestion puts first for its tipo preselected (one
// click; set when the suggestion arrives, unless a lawyer was chosen already), or another
// chosen in the list.
function repartoFila(rep, r) {
  if (!repartible(r)) return null;
  const celda = h('div', { class: 'reparto-fila' });
  rep.celdas.push({ celda, r });
  return celda;
}

function controlesFila(rep, r, recargar) {
  const opciones = [['', 'Elija…'], ...rep.abogados.map((a) => [String(a.id), a.nombre])];
  const sel = selector(opciones, '', { name: 'abogado-' + r.numero, 'aria-label': 'Abogado para el radicado ' + r.numero });
  rep.selectores.push({ sel, r });
  const b = h('button', { type: 'button', class: 'secundario', 'data-accion': 'repartir-' + r.numero,
    'aria-label': 'Repartir el radicado ' + r.numero, onclick: async () => {
      if (!sel.value) {
        aviso('Elija el abogado del radicado ' + r.numero + '.', 'error');
        sel.focus();
        return;
      }
      b.disabled = true;
      await enviarReparto(rep, [{ numero: r.numero, abogado_id: Number(sel.value) }], recargar);
      if (b.isConnected) b.disabled = false;
    } }, 'Repartir');
  return [sel, b];
}

// The suggestion in a row's list: «(sugerido)» after that lawyer's name, chosen unless the
// Director chose someone meanwhile; «Elija…» goes when there is a suggestion.
function sugerirEnFila(rep, sel, r) {
  const s = rep.sugerencias[tipoDe(r)];
  const sugerido = s && s.abogados.length ? s.abogados[0].abogado_id : null;
  if (sugerido === null) return;
  const opcion = [...sel.options].find((o) => o.value === String(sugerido));
  if (!opcion) return;
  opcion.textContent += ' (sugerido)';
  if (sel.value === '') sel.value = String(sugerido);
  const vacia = [...sel.options].find((o) => o.value === '');
  if (vacia && sel.value !== '') vacia.remove();
}

// A load of the page at a Bandeja address with its filters (#/bandeja?…, as every showing
// leaves the address: a reload, a link) sends its list now, alongside /api/usuarios/yo (this
// module is evaluated at start, app.js asks it then): the address is all the list depends on.
// A bare #/bandeja waits for yo (the tab's last view is kept per user; the default, per role).
const filtrosAlCargar = location.hash.startsWith('#/bandeja?') ? filtrosDeHash(location.hash) : null;
if (filtrosAlCargar) adelantar(rutaLista(filtrosAlCargar));
