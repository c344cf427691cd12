// tablero.js -- the dashboard: per-lawyer load and response times against the targets,
// per-modality compliance, returns per requesting area, over a chosen period, as charts
// and tables; the export (XLSX / CSV) of the same period. It opens on the current month
// counted by activity (what was done in it, base=actividad); a control switches to the
// filing date (base=radicacion). It asks for the counts only (GET /api/indicadores); the
// filings behind a figure open on click, a page at a time (GET /api/indicadores/radicados),
// and the overdue tables show the 10 most urgent with «Ver todos (N)».

import { api, ApiError, conParametros, descargar } from './api.js';
import { h, campo, marcarError, aviso, tabla, dialogo, vaciar, nuevoId, trasPintar } from './dom.js';
import { TIPOS_TRAMITE, MODALIDADES, ESTADOS, etiqueta, fecha, fechaISO, hoyISO, sumarDias, miles, numero, plural, porcentaje } from './fmt.js';
import { barras } from './charts.js';
import { semaforo } from './sla.js';
import { CLAVE_PERIODO, periodoTablero, rutaIndicadores, adelantado } from './arranque.js';

const BASES = {
  actividad: { etiqueta: 'Lo hecho en el periodo', corta: 'actividad' },
  radicacion: { etiqueta: 'Lo radicado en el periodo', corta: 'fecha de radicación' },
};

// What the figures count, in words: the base and the period.
function criterio(p, ind) {
  const corte = ind && ind.corte ? ' al ' + fecha(ind.corte) : '';
  const periodo = ' del ' + fecha(p.desde) + ' al ' + fecha(p.hasta);
  if (p.base === 'actividad') {
    return 'Base: actividad. Lo hecho' + periodo + ' (repartos, devoluciones, conclusiones y demás gestiones), sea cual sea la fecha de radicación' +
      '; la carga actual y los vencidos cuentan todo radicado abierto' + corte + '.';
  }
  return 'Base: fecha de radicación. Solicitudes radicadas' + periodo + ', con lo hecho en ellas en cualquier fecha' +
    '; la carga actual y los vencidos cuentan todo radicado abierto' + corte + '.';
}

const dias = (x) => (x === null || x === undefined ? '' : numero(x, 1));
const n = (c) => (c && typeof c.n === 'number' ? c.n : null);
const POR_PAGINA = 50;

// The period and base of the figures on screen (the drill-down asks for the same).
let periodoActual = null;

// The filings behind the figure at path (GET /api/indicadores/radicados's cifra), a page
// at a time, in a dialog; each numero links to its ficha.
export function abrirCifra(path, titulo) {
  const p = periodoActual || {};
  const estado = h('p', { class: 'tenue', role: 'status', id: 'estado-cifra' }, 'Cargando…');
  const cuerpoTabla = h('div', { class: 'tabla-envoltura sin-borde' });
  const anterior = h('button', { type: 'button', class: 'secundario', id: 'cifra-anterior', disabled: true }, 'Anterior');
  const siguiente = h('button', { type: 'button', class: 'secundario', id: 'cifra-siguiente', disabled: true }, 'Siguiente');
  const cuerpo = h('div', { class: 'cuerpo-dialogo cifra-radicados', 'data-cifra': path }, estado, cuerpoTabla,
    h('div', { class: 'botones paginador' }, anterior, siguiente));
  let pagina = 1;
  const cols = [{ titulo: 'Radicado' }, { titulo: 'Radicación' }, { titulo: 'Asunto', clase: 'asunto' }, { titulo: 'Abogado' },
    { titulo: 'Tipo de trámite' }, { titulo: 'Estado' }, { titulo: 'Plazo' }, { titulo: 'Días / meta', clase: 'cifra' }, { titulo: 'Fecha límite' }];
  const cargar = async () => {
    anterior.disabled = true;
    siguiente.disabled = true;
    estado.textContent = 'Cargando…';
    let d;
    try {
      d = await api('GET', conParametros('/api/indicadores/radicados',
        { cifra: path, desde: p.desde, hasta: p.hasta, base: p.base, pagina, por_pagina: POR_PAGINA }));
    } catch (e) {
      estado.textContent = 'No se pudieron leer los radicados de esta cifra: ' + e.message;
      return;
    }
    const desde = d.total === 0 ? 0 : (pagina - 1) * POR_PAGINA + 1;
    const hasta = (pagina - 1) * POR_PAGINA + d.radicados.length;
    estado.textContent = d.total === 0 ? 'Ninguno.'
      : 'Radicados ' + miles(desde) + '–' + miles(hasta) + ' de ' + miles(d.total) +
        (d.n !== d.total ? ' (la cifra cuenta ' + miles(d.n) + ')' : '') + '.';
    vaciar(cuerpoTabla);
    cuerpoTabla.append(tabla(titulo, cols, d.radicados.map((r) => {
      const sla = r.sla || {};
      return [h('a', { href: '#/radicado/' + encodeURIComponent(r.numero) }, r.numero), fecha(r.fecha_radicacion), r.asunto,
        r.abogado || 'Sin asignar', etiqueta(TIPOS_TRAMITE, r.tipo_tramite), etiqueta(ESTADOS, r.estado), semaforo(sla.estado),
        (sla.dias_usados === null || sla.dias_usados === undefined ? '—' : sla.dias_usados) + ' / ' + (sla.meta ?? '—'),
        fecha(sla.fecha_limite)];
    }), { vacio: 'Ningún radicado.', captionOculta: true, clase: 'tabla tabla-cifra' }));
    anterior.disabled = pagina <= 1;
    siguiente.disabled = hasta >= d.total;
  };
  anterior.addEventListener('click', () => { pagina--; cargar(); });
  siguiente.addEventListener('click', () => { pagina++; cargar(); });
  const dlg = dialogo(titulo, cuerpo, [{ texto: 'Cerrar', clase: 'primario' }]);
  dlg.classList.add('dialogo-ancho');
  // a link to a ficha leaves the Tablero: the dialog goes with it
  cuerpo.addEventListener('click', (ev) => { if (ev.target.closest('a')) { dlg.close(); dlg.remove(); } });
  cargar();
  return dlg;
}

// A figure's count as a button that opens its filings (plain text when it is 0 or absent).
function abre(valor, path, titulo, nombre) {
  if (!valor) return miles(valor);
  return h('button', { type: 'button', class: 'enlace abre-cifra', 'data-ruta': path,
    'aria-label': miles(valor) + ' ' + nombre + ': ver los radicados', onclick: () => abrirCifra(path, titulo) }, miles(valor));
}

export async function mostrarTablero(cont, ctx, vigente) {
  const p = periodoTablero();
  let ind = null;
  let sinIndicadores = null;
  // The lawyers' load is asked only when there are no indicators to show instead. On a load
  // of the page at #/tablero, arranque.js asked the figures already.
  const ruta = rutaIndicadores(p);
  await (adelantado(ruta) || api('GET', ruta)).then((d) => { ind = d; }, (e) => {
    if (e instanceof ApiError && e.rutaAusente) sinIndicadores = 'Los indicadores (tiempos de respuesta, cumplimiento, devoluciones) aún no están disponibles en este servidor. Se muestra la carga actual de cada abogado.';
    else sinIndicadores = 'No se pudieron calcular los indicadores: ' + e.message;
  });
  const carga = ind ? null : await api('GET', '/api/abogados/carga');
  if (!vigente()) return;
  periodoActual = p;
  cont.append(h('div', { class: 'cabecera-vista' },
    h('h1', { tabindex: '-1' }, 'Tablero de indicadores'),
    h('p', { class: 'sub', id: 'criterio-tablero', 'data-base': p.base }, criterio(p, ind))));
  cont.append(formularioPeriodo(p, () => {
    sessionStorage.setItem(CLAVE_PERIODO, JSON.stringify(p));
    // the router (app.js) draws the current view again
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }));
  if (sinIndicadores) cont.append(h('p', { class: 'nota', role: 'note' }, sinIndicadores));
  if (ind) {
    cont.append(resumen(ind, p.base));
    // The office's figures are painted first; the sections (charts and tables, from the
    // bottom of the first screen down) a frame later, below them.
    await trasPintar();
    if (!vigente()) return;
    cont.append(seccionAbogados(ind));
    cont.append(seccionTipos(ind));
    cont.append(seccionModalidades(ind));
    cont.append(seccionAreas(ind));
    cont.append(seccionListas(ind));
  } else {
    cont.append(seccionCargaSola(carga));
  }
}

function formularioPeriodo(p, aplicar) {
  const attrs = { type: 'text', inputmode: 'numeric', placeholder: 'dd/mm/aaaa', autocomplete: 'off', size: 10, maxlength: 10 };
  const desde = campo('Desde', h('input', Object.assign({ name: 'desde', value: fecha(p.desde) }, attrs)));
  const hasta = campo('Hasta', h('input', Object.assign({ name: 'hasta', value: fecha(p.hasta) }, attrs)));
  const rapido = (texto, d, hs) => h('button', { type: 'button', class: 'enlace', onclick: () => { p.desde = d; p.hasta = hs; aplicar(); } }, texto);
  const hoy = hoyISO();
  const opcion = (valor) => h('label', { class: 'opcion' },
    h('input', { type: 'radio', name: 'base', value: valor, checked: p.base === valor,
      onchange: () => { p.base = valor; aplicar(); } }), ' ' + BASES[valor].etiqueta);
  const base = h('fieldset', { class: 'base-tablero' }, h('legend', {}, 'Contar'), opcion('actividad'), opcion('radicacion'));
  const form = h('form', { class: 'filtros periodo', 'aria-label': 'Periodo del tablero' },
    desde.campo, hasta.campo, base,
    h('div', { class: 'botones' }, h('button', { type: 'submit', class: 'primario' }, 'Actualizar')),
    h('div', { class: 'botones rapidos' }, h('span', { class: 'tenue' }, 'Atajos:'),
      rapido('Este mes', hoy.slice(0, 8) + '01', hoy),
      rapido('Últimos 90 días', sumarDias(hoy, -89), hoy),
      rapido('Este año', hoy.slice(0, 4) + '-01-01', hoy)),
    h('div', { class: 'botones descargas' },
      h('button', { type: 'button', class: 'secundario', onclick: () => bajar('xlsx', p) }, 'Descargar XLSX'),
      h('button', { type: 'button', class: 'secundario', onclick: () => bajar('csv', p) }, 'Descargar CSV')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = fechaISO(desde.control.value);
    const hs = fechaISO(hasta.control.value);
    marcarError(desde.control, d ? null : 'Escriba una fecha real como dd/mm/aaaa.');
    marcarError(hasta.control, hs ? null : 'Escriba una fecha real como dd/mm/aaaa.');
    if (!d || !hs) return;
    if (d > hs) {
      marcarError(hasta.control, '«Hasta» es anterior a «desde».');
      return;
    }
    p.desde = d;
    p.hasta = hs;
    aplicar();
  });
  return form;
}

async function bajar(formato, p) {
  try {
    const r = await descargar(conParametros('/api/export.' + formato, { desde: p.desde, hasta: p.hasta, base: p.base }),
      'seguimiento-' + p.desde + '-a-' + p.hasta + '.' + formato);
    aviso('Descargado ' + r.nombre + ' (' + miles(r.bytes) + ' bytes).', 'ok');
  } catch (e) {
    aviso(e instanceof ApiError && e.rutaAusente
      ? 'La exportación a ' + formato.toUpperCase() + ' aún no está disponible en este servidor.'
      : e.message, 'error');
  }
}

// A summary card; with ruta, a «Ver radicados» button (described by the card's title) opens
// the figure's filings.
function tarjeta(titulo, valor, detalle, ruta) {
  const tid = nuevoId('tarjeta');
  return h('div', { class: 'tarjeta' }, h('span', { class: 'cifra' }, valor === null || valor === '' ? '—' : valor),
    h('span', { class: 'titulo', id: tid }, titulo), detalle ? h('small', { class: 'tenue' }, detalle) : null,
    ruta ? h('button', { type: 'button', class: 'enlace abre-cifra', 'data-ruta': ruta, 'aria-describedby': tid,
      onclick: () => abrirCifra(ruta, titulo + ' (oficina)') }, 'Ver radicados') : null);
}

function resumen(ind, base) {
  const o = ind.oficina || {};
  const dm = o.dentro_meta || {};
  const th = o.tiempo_hasta_reparto;
  const act = base === 'actividad';
  const conId = (el, id) => { el.setAttribute('data-cifra', id); return el; };
  const ruta = (c, path) => (n(c) ? 'oficina.' + path : null);
  return h('section', { class: 'totales', 'aria-label': 'Resumen de la oficina en el periodo (base: ' + BASES[base].corta + ')' },
    conId(tarjeta('Recibidos', miles(n(o.recibidos)), null, ruta(o.recibidos, 'recibidos')), 'recibidos'),
    conId(tarjeta('Repartidos', miles(n(o.repartidos)), act && n(o.reasignaciones) ? plural(n(o.reasignaciones), 'reasignación', 'reasignaciones') + ' aparte' : null, ruta(o.repartidos, 'repartidos')), 'repartidos'),
    conId(tarjeta('Sin repartir', miles(n(o.sin_repartir)), null, ruta(o.sin_repartir, 'sin_repartir')), 'sin_repartir'),
    conId(tarjeta('En curso', miles(n(o.en_curso)), null, ruta(o.en_curso, 'en_curso')), 'en_curso'),
    conId(tarjeta('Concluidos', miles(n(o.concluidos)), null, ruta(o.concluidos, 'concluidos')), 'concluidos'),
    conId(tarjeta('Devoluciones', miles(n(o.devoluciones)), null, ruta(o.devoluciones, 'devoluciones')), 'devoluciones'),
    conId(tarjeta('Dentro de la meta', porcentaje(dm.porcentaje), dm.base ? 'de ' + miles(dm.base) + ' con resultado' : 'sin resultados aún', ruta(dm.fuera, 'dentro_meta.fuera')), 'dentro_meta'),
    conId(tarjeta('Mediana de respuesta', o.dias_habiles && o.dias_habiles.mediana !== null ? plural(o.dias_habiles.mediana, 'día', 'días') : null, null, ruta(o.dias_habiles, 'dias_habiles')), 'mediana'),
    conId(tarjeta('Tiempo hasta el reparto', th && th.mediana !== null ? plural(th.mediana, 'día', 'días') : null, th && th.n ? 'mediana de ' + plural(th.n, 'reparto', 'repartos') : null, ruta(th, 'tiempo_hasta_reparto')), 'hasta_reparto'));
}

// A dashboard section: its charts side by side, then the table with the same figures.
function seccion(id, titulo, graficos, tablaDatos) {
  return h('section', { class: 'panel seccion-tablero', 'aria-labelledby': id }, h('h2', { id }, titulo),
    h('div', { class: 'graficos' }, graficos), h('div', { class: 'tabla-envoltura sin-borde', tabindex: '0', role: 'region', 'aria-label': 'Tabla: ' + titulo }, tablaDatos));
}

function filaCarga(tr, id) {
  tr.setAttribute('data-abogado-id', String(id));
  return tr;
}

function seccionAbogados(ind) {
  const lista = ind.por_abogado || [];
  const grafCarga = barras({
    titulo: 'Carga abierta actual por abogado',
    datos: lista.map((a) => ({ etiqueta: a.abogado, valor: n(a.carga_actual) })),
    formato: (v) => miles(v),
  });
  const grafTiempo = barras({
    titulo: 'Mediana de días hábiles de respuesta por abogado (periodo)',
    datos: lista.map((a) => ({ etiqueta: a.abogado, valor: a.dias_habiles ? a.dias_habiles.mediana : null,
      clase: a.dentro_meta && a.dentro_meta.porcentaje !== null && a.dentro_meta.porcentaje < 80 ? 'alerta' : '' })),
    formato: (v) => dias(v) + ' d',
  });
  const t = h('table', { class: 'tabla', id: 'tabla-carga' },
    h('caption', {}, 'Carga y tiempos por abogado'),
    h('thead', {}, h('tr', {}, ['Abogado', 'Carga actual', 'Asignados', 'Concluidos', 'Mediana (días)', 'P90 (días)', 'Dentro de la meta']
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, lista.length ? lista.map((a) => filaCarga(h('tr', {},
      h('th', { scope: 'row' }, a.abogado + (a.activo ? '' : ' (inactivo)')),
      h('td', { class: 'cifra', 'data-col': 'carga' }, abre(n(a.carga_actual), 'por_abogado.' + a.abogado_id + '.carga_actual', 'Carga actual de ' + a.abogado, 'en la carga actual de ' + a.abogado)),
      h('td', { class: 'cifra' }, abre(n(a.asignados), 'por_abogado.' + a.abogado_id + '.asignados', 'Asignados a ' + a.abogado, 'asignados a ' + a.abogado)),
      h('td', { class: 'cifra', 'data-col': 'concluidos' }, abre(n(a.concluidos), 'por_abogado.' + a.abogado_id + '.concluidos', 'Concluidos por ' + a.abogado, 'concluidos por ' + a.abogado)),
      h('td', { class: 'cifra' }, dias(a.dias_habiles && a.dias_habiles.mediana) || '—'),
      h('td', { class: 'cifra' }, dias(a.dias_habiles && a.dias_habiles.p90) || '—'),
      h('td', { class: 'cifra' }, porcentaje(a.dentro_meta && a.dentro_meta.porcentaje) || '—')), a.abogado_id))
      : h('tr', {}, h('td', { colspan: 7, class: 'vacio' }, 'No hay abogados.'))));
  return seccion('titulo-abogados', 'Abogados: carga y tiempos de respuesta', [grafCarga, grafTiempo], t);
}

function seccionTipos(ind) {
  const lista = ind.por_tipo_tramite || [];
  const graf = barras({
    titulo: 'Mediana de días hábiles frente a la meta, por tipo de trámite',
    datos: lista.map((x) => ({ etiqueta: etiqueta(TIPOS_TRAMITE, x.tipo_tramite), valor: x.dias_habiles ? x.dias_habiles.mediana : null, meta: x.meta,
      clase: x.dias_habiles && x.dias_habiles.mediana !== null && x.dias_habiles.mediana > x.meta ? 'alerta' : '' })),
    formato: (v) => dias(v) + ' d',
    leyendaMeta: 'La línea vertical marca la meta en días hábiles de cada tipo de trámite.',
  });
  const t = tabla('Tiempos y cumplimiento por tipo de trámite',
    [{ titulo: 'Tipo de trámite' }, { titulo: 'Meta (días)', clase: 'cifra' }, { titulo: 'Recibidos', clase: 'cifra' }, { titulo: 'En curso', clase: 'cifra' },
      { titulo: 'Concluidos', clase: 'cifra' }, { titulo: 'Mediana', clase: 'cifra' }, { titulo: 'P90', clase: 'cifra' }, { titulo: 'Dentro de la meta', clase: 'cifra' }],
    lista.map((x) => [etiqueta(TIPOS_TRAMITE, x.tipo_tramite), miles(x.meta), miles(n(x.recibidos)), miles(n(x.en_curso)), miles(n(x.concluidos)),
      dias(x.dias_habiles && x.dias_habiles.mediana), dias(x.dias_habiles && x.dias_habiles.p90), porcentaje(x.dentro_meta && x.dentro_meta.porcentaje)]));
  return seccion('titulo-tipos', 'Tiempos de respuesta frente a las metas', [graf], t);
}

function seccionModalidades(ind) {
  const lista = ind.por_modalidad || [];
  const graf = barras({
    titulo: 'Porcentaje dentro de la meta, por modalidad',
    datos: lista.map((x) => ({ etiqueta: etiqueta(MODALIDADES, x.modalidad), valor: x.dentro_meta ? x.dentro_meta.porcentaje : null, meta: 100 })),
    formato: (v) => numero(v, 1) + ' %',
    leyendaMeta: 'La línea vertical marca el 100 %.',
  });
  const t = tabla('Cumplimiento por modalidad',
    [{ titulo: 'Modalidad' }, { titulo: 'Recibidos', clase: 'cifra' }, { titulo: 'Concluidos', clase: 'cifra' }, { titulo: 'Mediana (días)', clase: 'cifra' },
      { titulo: 'Con resultado', clase: 'cifra' }, { titulo: 'Dentro de la meta', clase: 'cifra' }],
    lista.map((x) => [etiqueta(MODALIDADES, x.modalidad), miles(n(x.recibidos)), miles(n(x.concluidos)), dias(x.dias_habiles && x.dias_habiles.mediana),
      miles(x.dentro_meta && x.dentro_meta.base), porcentaje(x.dentro_meta && x.dentro_meta.porcentaje)]));
  return seccion('titulo-modalidades', 'Cumplimiento por modalidad', [graf], t);
}

function seccionAreas(ind) {
  const lista = [...(ind.por_area || [])].sort((a, b) => (n(b.devoluciones) - n(a.devoluciones)) || (n(b.recibidos) - n(a.recibidos)));
  const graf = barras({
    titulo: 'Devoluciones por área solicitante',
    datos: lista.slice(0, 12).map((a) => ({ etiqueta: a.nombre || a.dependencia_origen, valor: n(a.devoluciones), clase: 'ambar' })),
    formato: (v) => miles(v),
  });
  const t = h('table', { class: 'tabla', id: 'tabla-areas' },
    h('caption', {}, 'Devoluciones por área solicitante'),
    h('thead', {}, h('tr', {}, ['Área', 'Recibidos', 'Devoluciones', 'Por solicitud', 'Corrección (mediana, días)', 'Pendientes de corregir', 'Hasta el reparto (mediana, días)'].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, lista.length ? lista.map((a) => h('tr', { 'data-area': a.dependencia_origen },
      h('th', { scope: 'row' }, (a.nombre || '—') + (a.dependencia_origen ? ' (' + a.dependencia_origen + ')' : '')),
      h('td', { class: 'cifra' }, miles(n(a.recibidos))),
      h('td', { class: 'cifra', 'data-col': 'devoluciones' }, abre(n(a.devoluciones), 'por_area.' + a.dependencia_origen + '.devoluciones',
        'Devoluciones del área ' + (a.nombre || a.dependencia_origen), 'devoluciones del área ' + (a.nombre || a.dependencia_origen))),
      h('td', { class: 'cifra' }, a.devoluciones && a.devoluciones.por_solicitud !== null ? numero(a.devoluciones.por_solicitud, 2) : '—'),
      h('td', { class: 'cifra' }, dias(a.correccion_dias && a.correccion_dias.mediana) || '—'),
      h('td', { class: 'cifra' }, miles(n(a.correcciones_pendientes))),
      h('td', { class: 'cifra', 'data-col': 'hasta_reparto' }, dias(a.tiempo_hasta_reparto && a.tiempo_hasta_reparto.mediana) || '—')))
      : h('tr', {}, h('td', { colspan: 7, class: 'vacio' }, 'Sin solicitudes en el periodo.'))));
  return seccion('titulo-areas', 'Devoluciones por área solicitante', [graf], t);
}

// The overdue and due-soon lists: {n, primeros} (the 10 most urgent) in the counts-only
// answer; an older server's full arrays are shown the same way.
function listaCorta(x) {
  if (Array.isArray(x)) return { n: x.length, primeros: x.slice(0, 10) };
  return { n: n(x) || 0, primeros: (x && x.primeros) || [] };
}

function seccionListas(ind) {
  const filas = (lista) => lista.map((x) => [
    h('a', { href: '#/radicado/' + encodeURIComponent(x.numero) }, x.numero), x.asunto, x.abogado || 'Sin asignar',
    etiqueta(TIPOS_TRAMITE, x.tipo_tramite), miles(x.dias_usados) + ' / ' + miles(x.meta), fecha(x.fecha_limite)]);
  const cols = [{ titulo: 'Radicado' }, { titulo: 'Asunto', clase: 'asunto' }, { titulo: 'Abogado' }, { titulo: 'Tipo de trámite' }, { titulo: 'Días / meta', clase: 'cifra' }, { titulo: 'Fecha límite' }];
  const lista = (clave, titulo, vacio) => {
    const l = listaCorta(ind[clave]);
    const t = tabla(titulo + ' (' + miles(l.n) + ')', cols, filas(l.primeros), { vacio });
    t.id = 'tabla-' + clave.replace('_', '-');
    const mas = l.n > l.primeros.length
      ? h('p', {}, h('button', { type: 'button', class: 'secundario ver-todos', 'data-ruta': clave,
        onclick: () => abrirCifra(clave, titulo + ' (todo lo abierto)') }, 'Ver todos (' + miles(l.n) + ')'))
      : null;
    return [t, mas];
  };
  return h('section', { class: 'panel', 'aria-labelledby': 'titulo-listas', tabindex: '0' }, // it scrolls on a phone: the keyboard reaches it
    h('h2', { id: 'titulo-listas' }, 'Vencidos y por vencer (todo lo abierto)'),
    h('p', { class: 'tenue' }, 'Los 10 más urgentes de cada lista; «Ver todos» abre la lista completa por páginas.'),
    ...lista('vencidos', 'Vencidos', 'Ningún radicado vencido.'),
    ...lista('por_vencer', 'Por vencer', 'Ningún radicado por vencer.'));
}

// Without /api/indicadores: the current load from /api/abogados/carga only.
function seccionCargaSola(carga) {
  const lista = carga.abogados || [];
  const graf = barras({
    titulo: 'Carga abierta actual por abogado',
    datos: lista.map((a) => ({ etiqueta: a.nombre, valor: a.abiertos })),
    formato: (v) => miles(v),
  });
  const t = h('table', { class: 'tabla', id: 'tabla-carga' },
    h('caption', {}, 'Carga abierta por abogado (sin repartir en la oficina: ' + miles(carga.sin_repartir) + ')'),
    h('thead', {}, h('tr', {}, ['Abogado', 'Abiertos', 'Repartidos', 'En revisión', 'Devueltos'].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, lista.length ? lista.map((a) => filaCarga(h('tr', {},
      h('th', { scope: 'row' }, a.nombre + (a.activo ? '' : ' (inactivo)')),
      h('td', { class: 'cifra', 'data-col': 'carga' }, miles(a.abiertos)),
      h('td', { class: 'cifra' }, miles(a.por_estado && a.por_estado.repartido)),
      h('td', { class: 'cifra' }, miles(a.por_estado && a.por_estado.en_revision)),
      h('td', { class: 'cifra' }, miles(a.por_estado && a.por_estado.devuelto))), a.id))
      : h('tr', {}, h('td', { colspan: 5, class: 'vacio' }, 'No hay abogados.'))));
  return seccion('titulo-abogados', 'Carga actual por abogado', [graf], t);
}
