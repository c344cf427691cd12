// conciliacion.js -- what reconciliation found between the document system and the
// follow-up (GET /api/discrepancias?estado=abierta): each open discrepancy with the
// evidence of both sides, and the resolve action with a note.

import { api, ApiError, conParametros } from './api.js';
import { h, campo, marcarError, aviso, dialogo, datos } from './dom.js';
import { TIPOS_DISCREPANCIA, CAMPOS, etiqueta, fechaHora, valorLegible } from './fmt.js';

const ESTADOS = { abierta: 'Abiertas', resuelta: 'Resueltas', cerrada: 'Cerradas', todas: 'Todas' };
const POR_PAGINA = 200;
// The evidence's fields (reconcile.c) as staff read them.
const EVIDENCIA = {
  asunto: 'Asunto', fecha_radicacion: 'Fecha de radicación', dependencia_origen: 'Área solicitante',
  dependencia_actual: 'Dependencia actual', dependencia: 'Dependencia de la oficina', estado_ds: 'Estado en el sistema documental',
  existe: 'Existe en el sistema documental', en_seguimiento: 'Está en el seguimiento', tardio: 'Llegó tarde a la oficina',
  cursor_sync: 'Sincronizado hasta', fecha_conclusion: 'Fecha de conclusión', estado: 'Estado del seguimiento',
  abogado_id: 'Abogado',
};
let estadoVista = 'abierta';
let nombres = new Map(); // lawyer id -> name, for the evidence

export async function mostrarConciliacion(cont, ctx, vigente) {
  let lista = null;
  let nota = null;
  let d = null;
  try {
    d = await api('GET', conParametros('/api/discrepancias', { estado: estadoVista, por_pagina: POR_PAGINA }));
    const carga = await api('GET', '/api/abogados/carga').catch(() => ({ abogados: [] }));
    nombres = new Map(carga.abogados.map((a) => [String(a.id), a.nombre]));
    lista = Array.isArray(d) ? d : (d && (d.discrepancias || d.items)) || [];
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
  const filtro = h('div', { class: 'pestanas', role: 'group', 'aria-label': 'Estado de las discrepancias' },
    Object.entries(ESTADOS).map(([k, t]) => h('button', {
      type: 'button', class: 'secundario', 'aria-pressed': String(k === estadoVista),
      onclick: () => { estadoVista = k; window.dispatchEvent(new HashChangeEvent('hashchange')); },
    }, t)));
  cont.append(filtro);
  const total = d && typeof d.total === 'number' ? d.total : lista.length;
  const porTipo = d && d.por_tipo ? Object.entries(d.por_tipo).filter(([, k]) => k > 0).map(([t, k]) => etiqueta(TIPOS_DISCREPANCIA, t) + ': ' + k).join(' · ') : '';
  cont.append(h('p', { class: 'sub', 'aria-live': 'polite' }, (total === 1 ? '1 discrepancia' : total + ' discrepancias') +
    (total > lista.length ? ' (se muestran las ' + lista.length + ' primeras)' : '') + (porTipo ? '. ' + porTipo : '') + '.'));
  const conc = d && d.conciliacion;
  if (conc) {
    cont.append(h('p', { class: 'sub' }, conc.ultimo_exito ? 'Última conciliación completa: ' + fechaHora(conc.ultimo_exito) + '.' : 'Aún no hay una conciliación completa.',
      conc.ultimo_error ? h('span', { class: 'error-campo' }, ' Último error: ' + conc.ultimo_error) : null));
  }
  if (lista.length === 0) {
    cont.append(h('p', { class: 'nota' }, estadoVista === 'abierta' ? 'No hay discrepancias abiertas: el seguimiento coincide con el sistema documental.' : 'No hay discrepancias en este estado.'));
    return;
  }
  const ul = h('ul', { class: 'discrepancias' });
  for (const x of lista) ul.append(tarjeta(x, ctx));
  cont.append(ul);
}

// An evidence object (JSON from one side) as a definition list; text as it is.
function evidencia(titulo, v) {
  let obj = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v);
    } catch (e) {
      obj = v;
    }
  }
  let cuerpo;
  if (obj === null || obj === undefined || obj === '') cuerpo = h('p', { class: 'tenue' }, 'Sin datos de este lado.');
  else if (typeof obj !== 'object') cuerpo = h('p', {}, String(obj));
  else {
    cuerpo = datos(Object.entries(obj).map(([k, val]) => [EVIDENCIA[k] || etiqueta(CAMPOS, k).replace(/_/g, ' '),
      typeof val === 'boolean' ? (val ? 'Sí' : 'No')
        : k === 'abogado_id' ? (val === null ? 'Sin asignar' : nombres.get(String(val)) || 'usuario ' + val)
          : val !== null && typeof val === 'object' ? JSON.stringify(val) : valorLegible(k, val)]));
  }
  return h('div', { class: 'evidencia' }, h('h3', {}, titulo), cuerpo);
}

function tarjeta(x, ctx) {
  const id = x.id;
  const sgd = x.evidencia_sgd ?? (x.evidencia && (x.evidencia.sgd ?? x.evidencia.sistema_documental)) ?? x.sgd;
  const local = x.evidencia_local ?? (x.evidencia && (x.evidencia.local ?? x.evidencia.seguimiento)) ?? x.seguimiento ?? x.local;
  const tid = 'disc-' + id;
  const acciones = [];
  if (ctx.puede.resolverDiscrepancias && (x.estado || 'abierta') === 'abierta') {
    acciones.push(h('button', { type: 'button', class: 'primario', onclick: () => resolver(x) }, 'Resolver'));
  }
  return h('li', { class: 'panel discrepancia', 'aria-labelledby': tid, 'data-id': String(id) },
    h('h2', { id: tid }, etiqueta(TIPOS_DISCREPANCIA, x.tipo), ' · radicado ',
      h('a', { href: '#/radicado/' + encodeURIComponent(x.numero) }, x.numero)),
    x.radicado && x.radicado.asunto ? h('p', {}, x.radicado.asunto) : null,
    h('p', { class: 'tenue' }, 'Encontrada el ' + fechaHora(x.encontrada || x.fecha || '') +
      (x.vista_ultima ? ' · vista por última vez el ' + fechaHora(x.vista_ultima) : '') +
      (x.cerrada_en ? ' · ' + (x.estado === 'resuelta' ? 'resuelta' : 'cerrada') + ' el ' + fechaHora(x.cerrada_en) : '') +
      (x.resuelta_por && x.resuelta_por.nombre ? ' por ' + x.resuelta_por.nombre : '')),
    x.nota ? h('p', {}, h('strong', {}, 'Nota: '), x.nota) : null,
    h('div', { class: 'par' }, evidencia('Sistema documental', sgd), evidencia('Seguimiento de la oficina', local)),
    acciones.length ? h('div', { class: 'botones' }, acciones) : null);
}

function resolver(x) {
  const nota = campo('Nota de resolución (obligatoria)', h('textarea', { rows: 4, maxlength: 2000, required: true, name: 'nota' }),
    'Qué se hizo o por qué no requiere cambios; queda registrada con su nombre.');
  dialogo('Resolver la discrepancia del radicado ' + x.numero, h('div', { class: 'cuerpo-dialogo' }, nota.campo), [
    { texto: 'Marcar como resuelta', clase: 'primario', alPulsar: async (dlg) => {
      const t = nota.control.value.trim();
      if (!t) {
        marcarError(nota.control, 'Escriba la nota.');
        nota.control.focus();
        return false;
      }
      try {
        await api('POST', '/api/discrepancias/' + encodeURIComponent(x.id) + '/resolver', { nota: t });
      } catch (e) {
        dlg.mostrarError(e.message);
        return false;
      }
      aviso('Discrepancia del radicado ' + x.numero + ' resuelta.', 'ok');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      return true;
    } },
    { texto: 'Cancelar', clase: 'secundario' },
  ]);
}
