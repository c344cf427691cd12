// conciliacion.js -- what reconciliation found between the document system and the
// follow-up (GET /api/discrepancias): a table filtered by estado and tipo, with the
// evidence of both sides; one or several discrepancies resolved with one note
// (POST /api/discrepancias/resolver), and «aplicar el dato del sistema documental» for
// datos_distintos (POST /api/discrepancias/{id}/aplicar). After an action the table is
// read again and replaced in place: the page keeps its scroll position.

import { api, ApiError, conParametros } from './api.js';
import { h, campo, marcarError, aviso, dialogo, datos, selector, vaciar } from './dom.js';
import { TIPOS_DISCREPANCIA, CAMPOS, etiqueta, fechaHora, valorLegible, miles, plural } from './fmt.js';

const ESTADOS = { abierta: 'Abiertas', resuelta: 'Resueltas', cerrada: 'Cerradas', todas: 'Todas' };
// A row's estado as staff read it.
const ESTADO_FILA = {
  abierta: 'Abierta', resuelta: 'Resuelta',
  cerrada: 'Cerrada: los dos lados coinciden de nuevo',
};
// The kinds in the filter: anulado_en_sgd covers both a requested and a done annulment.
const TIPOS_FILTRO = Object.assign({}, TIPOS_DISCREPANCIA, {
  anulado_en_sgd: 'Anulación en el sistema documental (solicitada o hecha)',
});
const POR_PAGINA = 200;
// The fields «aplicar el dato» writes (those datos_distintos compares; reconcile_apply.c).
const DATOS_APLICABLES = ['asunto', 'fecha_radicacion', 'dependencia_origen'];
// The evidence's fields (reconcile.c) as staff read them.
const EVIDENCIA = {
  asunto: 'Asunto', fecha_radicacion: 'Fecha de radicación', dependencia_origen: 'Área solicitante',
  dependencia_actual: 'Dependencia actual', dependencia: 'Dependencia de la oficina', estado_ds: 'Estado en el sistema documental',
  existe: 'Existe en el sistema documental', en_seguimiento: 'Está en el seguimiento', tardio: 'Llegó tarde a la oficina',
  cursor_sync: 'Sincronizado hasta', fecha_conclusion: 'Fecha de conclusión', estado: 'Estado del seguimiento',
  abogado_id: 'Abogado',
};
let estadoVista = 'abierta';
let tipoVista = '';
let nombres = new Map(); // lawyer id -> name, for the evidence

// The evidence of one side as an object (the API gives objects; older rows may be text).
function objeto(v) {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch (e) {
    return v;
  }
}
const ladoSgd = (x) => objeto(x.evidencia_sgd ?? (x.evidencia && (x.evidencia.sgd ?? x.evidencia.sistema_documental)) ?? x.sgd);
const ladoLocal = (x) => objeto(x.evidencia_local ?? (x.evidencia && (x.evidencia.local ?? x.evidencia.seguimiento)) ?? x.seguimiento ?? x.local);

// The kind of one row in words that match its state: an annulment requested is not an
// annulment done.
export function tipoLegible(x) {
  if (x.tipo === 'anulado_en_sgd') {
    const e = (ladoSgd(x) || {}).estado_ds;
    if (e === 'anulacion_solicitada') return 'Anulación solicitada en el sistema documental';
    if (e === 'anulado') return 'Anulado en el sistema documental';
  }
  return etiqueta(TIPOS_DISCREPANCIA, x.tipo);
}

const cuenta = (n) => plural(n, 'discrepancia', 'discrepancias');

async function leer() {
  const d = await api('GET', conParametros('/api/discrepancias', { estado: estadoVista, tipo: tipoVista || undefined, por_pagina: POR_PAGINA }));
  const lista = Array.isArray(d) ? d : (d && (d.discrepancias || d.items)) || [];
  return { d, lista };
}

export async function mostrarConciliacion(cont, ctx, vigente) {
  let leido = null;
  let nota = null;
  try {
    leido = await leer();
    const carga = await api('GET', '/api/abogados/carga').catch(() => ({ abogados: [] }));
    nombres = new Map(carga.abogados.map((a) => [String(a.id), a.nombre]));
  } catch (e) {
    if (!(e instanceof ApiError && e.rutaAusente)) throw e;
    nota = 'La conciliación con el sistema documental aún no está disponible en este servidor. Cuando lo esté, aquí aparecerán los radicados que no coinciden y podrá resolverlos.';
  }
  if (!vigente()) return;
  cont.append(h('div', { class: 'cabecera-vista' },
    h('h1', { tabindex: '-1' }, 'Conciliación'),
    h('p', { class: 'sub' }, 'Diferencias entre el sistema de gestión documental y el seguimiento de la oficina.')));
  if (nota) {
    cont.append(h('p', { class: 'nota', role: 'note' }, nota));
    return;
  }
  const rehacer = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const pestanas = h('div', { class: 'pestanas', role: 'group', 'aria-label': 'Estado de las discrepancias' },
    Object.entries(ESTADOS).map(([k, t]) => h('button', {
      type: 'button', class: 'secundario', 'aria-pressed': String(k === estadoVista),
      onclick: () => { estadoVista = k; rehacer(); },
    }, t)));
  const tipos = selector([['', 'Todos los tipos'], ...Object.entries(TIPOS_FILTRO)], tipoVista,
    { id: 'filtro-tipo-disc', name: 'tipo' });
  tipos.addEventListener('change', () => { tipoVista = tipos.value; rehacer(); });
  cont.append(h('div', { class: 'filtros-conciliacion' }, pestanas,
    h('div', { class: 'campo-tipo' }, h('label', { for: 'filtro-tipo-disc' }, 'Tipo de discrepancia'), tipos)));
  const resumen = h('p', { class: 'sub', id: 'resumen-conciliacion', 'aria-live': 'polite' });
  const estadoConc = h('p', { class: 'sub' });
  cont.append(resumen, estadoConc);
  const zona = h('div', { class: 'zona-conciliacion' });
  cont.append(zona);
  const vista = { ctx, resumen, estadoConc, zona, seleccion: new Set() };
  pintar(vista, leido);
}

// Fills the counters and the table from one reading; called again after each action.
function pintar(v, { d, lista }) {
  const total = d && typeof d.total === 'number' ? d.total : lista.length;
  const porTipo = d && d.por_tipo ? Object.entries(d.por_tipo).filter(([, k]) => k > 0)
    .map(([t, k]) => etiqueta(TIPOS_FILTRO, t) + ': ' + miles(k)).join(' · ') : '';
  v.resumen.textContent = cuenta(total) + (tipoVista ? ' de «' + etiqueta(TIPOS_FILTRO, tipoVista) + '»' : '') +
    (total > lista.length ? ' (se muestran las ' + miles(lista.length) + ' primeras)' : '') +
    (porTipo ? '. Por tipo, en este estado: ' + porTipo : '') + '.';
  const conc = d && d.conciliacion;
  vaciar(v.estadoConc);
  if (conc) {
    v.estadoConc.append(conc.ultimo_exito ? 'Última conciliación completa: ' + fechaHora(conc.ultimo_exito) + '.' : 'Aún no hay una conciliación completa.',
      conc.ultimo_error ? h('span', { class: 'error-campo' }, ' Último error: ' + conc.ultimo_error) : '');
  }
  vaciar(v.zona);
  const vivos = new Set(lista.map((x) => String(x.id)));
  for (const id of [...v.seleccion]) if (!vivos.has(id)) v.seleccion.delete(id);
  if (lista.length === 0) {
    v.zona.append(h('p', { class: 'nota discrepancias' }, estadoVista === 'abierta' && !tipoVista
      ? 'No hay discrepancias abiertas: el seguimiento coincide con el sistema documental.'
      : 'No hay discrepancias con estos filtros.'));
    return;
  }
  const puede = v.ctx.puede.resolverDiscrepancias;
  const abiertas = lista.filter((x) => (x.estado || 'abierta') === 'abierta');
  const contador = h('span', { id: 'seleccionadas', 'aria-live': 'polite' });
  const enBloque = h('button', { type: 'button', class: 'primario', id: 'resolver-seleccionadas' }, 'Resolver seleccionadas');
  const casillas = [];
  const todas = h('input', { type: 'checkbox', id: 'sel-todas', 'aria-label': 'Seleccionar todas las abiertas de la lista' });
  const actualizar = () => {
    const n = v.seleccion.size;
    contador.textContent = n === 0 ? 'Ninguna seleccionada' : plural(n, 'seleccionada', 'seleccionadas');
    enBloque.disabled = n === 0;
    todas.checked = n > 0 && n === casillas.length;
    todas.indeterminate = n > 0 && n < casillas.length;
  };
  todas.addEventListener('change', () => {
    for (const c of casillas) {
      c.checked = todas.checked;
      if (todas.checked) v.seleccion.add(c.value);
      else v.seleccion.delete(c.value);
    }
    actualizar();
  });
  enBloque.addEventListener('click', () => resolverVarias(v, lista.filter((x) => v.seleccion.has(String(x.id)))));
  const filas = lista.map((x) => {
    const id = String(x.id);
    const abierta = (x.estado || 'abierta') === 'abierta';
    let sel = '';
    if (puede && abierta) {
      const c = h('input', { type: 'checkbox', value: id, class: 'sel-disc', 'aria-label': 'Seleccionar la discrepancia del radicado ' + x.numero });
      c.checked = v.seleccion.has(id);
      c.addEventListener('change', () => {
        if (c.checked) v.seleccion.add(id);
        else v.seleccion.delete(id);
        actualizar();
      });
      casillas.push(c);
      sel = c;
    }
    const acciones = [];
    if (puede && abierta) {
      acciones.push(h('button', { type: 'button', class: 'secundario', onclick: () => resolverVarias(v, [x]) }, 'Resolver'));
      if (x.tipo === 'datos_distintos') {
        acciones.push(h('button', { type: 'button', class: 'secundario', onclick: () => aplicar(v, x) }, 'Aplicar el dato del sistema documental'));
      }
    }
    const cuando = [h('span', {}, 'Encontrada el ' + fechaHora(x.encontrada || x.fecha || ''))];
    if (x.vista_ultima && x.vista_ultima !== x.encontrada) cuando.push(h('span', { class: 'tenue' }, 'vista por última vez el ' + fechaHora(x.vista_ultima)));
    const estado = [h('span', {}, ESTADO_FILA[x.estado || 'abierta'] || x.estado)];
    if (x.cerrada_en && x.estado !== 'abierta') {
      estado.push(h('span', { class: 'tenue' }, 'el ' + fechaHora(x.cerrada_en) +
        (x.resuelta_por && x.resuelta_por.nombre ? ' por ' + x.resuelta_por.nombre : '')));
    }
    if (x.nota) estado.push(h('span', { class: 'nota-disc' }, h('strong', {}, 'Nota: '), x.nota));
    return h('tr', { 'data-id': id, 'data-tipo': x.tipo, class: 'fila-disc' },
      h('td', { class: 'col-sel' }, sel),
      h('td', {}, tipoLegible(x)),
      h('td', {}, h('a', { href: '#/radicado/' + encodeURIComponent(x.numero) }, x.numero),
        x.radicado && x.radicado.asunto ? h('span', { class: 'asunto-disc' }, x.radicado.asunto) : ''),
      h('td', {}, evidencia(ladoSgd(x))),
      h('td', {}, evidencia(ladoLocal(x))),
      h('td', {}, h('span', { class: 'pila' }, cuando)),
      h('td', {}, h('span', { class: 'pila' }, estado)),
      h('td', { class: 'col-acciones' }, acciones.length ? h('div', { class: 'botones' }, acciones) : '—'));
  });
  if (puede && casillas.length) {
    v.zona.append(h('div', { class: 'barra-seleccion', role: 'group', 'aria-label': 'Acciones sobre las seleccionadas' }, contador, enBloque));
  }
  const tabla = h('table', { class: 'tabla tabla-conciliacion discrepancias', id: 'tabla-conciliacion' },
    h('caption', { class: 'oculto' }, 'Discrepancias: ' + ESTADOS[estadoVista].toLowerCase() + (tipoVista ? ', ' + etiqueta(TIPOS_FILTRO, tipoVista) : '')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'col-sel' }, puede && casillas.length ? todas : h('span', { class: 'oculto' }, 'Selección')),
      ['Tipo', 'Radicado', 'Sistema documental', 'Seguimiento de la oficina', 'Encontrada', 'Estado', 'Acciones']
        .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, filas));
  v.zona.append(h('div', { class: 'tabla-envoltura' }, tabla));
  actualizar();
  if (abiertas.length === 0 && puede) enBloque.disabled = true;
}

// Reads the list again and replaces the table where it is: the scroll stays.
async function recargar(v) {
  const y = window.scrollY;
  const leido = await leer();
  pintar(v, leido);
  window.scrollTo(0, y);
  v.resumen.setAttribute('tabindex', '-1');
  // after the dialog has closed (its content is inert while it is open)
  setTimeout(() => v.resumen.focus({ preventScroll: true }), 0);
}

// An evidence object (JSON from one side) as a definition list; text as it is.
function evidencia(obj) {
  if (obj === null || obj === undefined || obj === '') return h('span', { class: 'tenue' }, 'Sin datos de este lado.');
  if (typeof obj !== 'object') return String(obj);
  return datos(Object.entries(obj).map(([k, val]) => [EVIDENCIA[k] || etiqueta(CAMPOS, k).replace(/_/g, ' '),
    typeof val === 'boolean' ? (val ? 'Sí' : 'No')
      : k === 'abogado_id' ? (val === null ? 'Sin asignar' : nombres.get(String(val)) || 'usuario ' + val)
        : val !== null && typeof val === 'object' ? JSON.stringify(val) : valorLegible(k, val)]), 'datos datos-evidencia');
}

function resolverVarias(v, filas) {
  if (filas.length === 0) return;
  const una = filas.length === 1;
  const nota = campo('Nota de resolución (obligatoria)', h('textarea', { rows: 4, maxlength: 2000, required: true, name: 'nota' }),
    una ? 'Qué se hizo o por qué no requiere cambios; queda registrada con su nombre.'
      : 'La misma nota queda en cada una de las ' + plural(filas.length, 'discrepancia', 'discrepancias') + ', con su nombre.');
  const titulo = una ? 'Resolver la discrepancia del radicado ' + filas[0].numero : 'Resolver ' + plural(filas.length, 'discrepancia', 'discrepancias');
  const cuerpo = h('div', { class: 'cuerpo-dialogo' },
    una ? '' : h('p', {}, 'Radicados: ' + filas.map((x) => x.numero).join(', ') + '.'), nota.campo);
  dialogo(titulo, cuerpo, [
    { texto: una ? 'Marcar como resuelta' : 'Marcar las ' + miles(filas.length) + ' como resueltas', clase: 'primario', alPulsar: async (dlg) => {
      const t = nota.control.value.trim();
      if (!t) {
        marcarError(nota.control, 'Escriba la nota.');
        nota.control.focus();
        return false;
      }
      try {
        await api('POST', '/api/discrepancias/resolver', { ids: filas.map((x) => Number(x.id)), nota: t });
      } catch (e) {
        dlg.mostrarError(e.message);
        return false;
      }
      for (const x of filas) v.seleccion.delete(String(x.id));
      try {
        await recargar(v);
        aviso(una ? 'Discrepancia del radicado ' + filas[0].numero + ' resuelta.' : plural(filas.length, 'discrepancia resuelta', 'discrepancias resueltas') + ' con la misma nota.', 'ok');
      } catch (e) {
        aviso(e.message, 'error');
      }
      return true;
    } },
    { texto: 'Cancelar', clase: 'secundario' },
  ]);
}

function aplicar(v, x) {
  const sgd = ladoSgd(x) || {};
  const local = ladoLocal(x) || {};
  const cambios = DATOS_APLICABLES.filter((k) => typeof sgd[k] === 'string');
  const nota = campo('Nota (opcional)', h('textarea', { rows: 3, maxlength: 2000, name: 'nota' }),
    'Si no escribe nada, la nota dirá que se aplicó el dato del sistema documental.');
  const lista = h('ul', { class: 'cambios-aplicar' }, cambios.map((k) => h('li', {},
    h('strong', {}, (EVIDENCIA[k] || k) + ': '), '«' + valorLegible(k, local[k] ?? '') + '» pasa a «' + valorLegible(k, sgd[k]) + '»')));
  dialogo('Aplicar el dato del sistema documental al radicado ' + x.numero, h('div', { class: 'cuerpo-dialogo' },
    h('p', {}, 'El radicado queda con el dato del sistema documental, el cambio se registra en la auditoría y la discrepancia queda resuelta.'),
    lista, nota.campo), [
    { texto: 'Aplicar y resolver', clase: 'primario', alPulsar: async (dlg) => {
      const t = nota.control.value.trim();
      try {
        await api('POST', '/api/discrepancias/' + encodeURIComponent(x.id) + '/aplicar', t ? { nota: t } : {});
      } catch (e) {
        dlg.mostrarError(e.message);
        return false;
      }
      v.seleccion.delete(String(x.id));
      try {
        await recargar(v);
        aviso('Se aplicó el dato del sistema documental al radicado ' + x.numero + ' y la discrepancia quedó resuelta.', 'ok');
      } catch (e) {
        aviso(e.message, 'error');
      }
      return true;
    } },
    { texto: 'Cancelar', clase: 'secundario' },
  ]);
}
