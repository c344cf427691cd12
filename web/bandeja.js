// bandeja.js -- the inbox: the office's sheet of filings with filters, sorting, paging and
// totals. The Director opens on the unassigned ones, a lawyer on their own.

import { api, conParametros } from './api.js';
import { h, vaciar, campo, selector, marcarError, aviso, recordarFoco } from './dom.js';
import { ESTADOS, TIPOS_TRAMITE, etiqueta, fecha, fechaISO, miles } from './fmt.js';
import { indicadoresActuales, slaDe, textoDias, semaforo } from './sla.js';

const CLAVE = 'segcont.bandeja.';
const POR_PAGINA = [25, 50, 100];
const ORDENABLES = { numero: 'Radicado', fecha: 'Fecha', tipo_tramite: 'Tipo de trámite', estado: 'Estado' };

function filtrosIniciales(ctx) {
  const base = { estado: '', abogado_id: '', tipo_tramite: '', desde: '', hasta: '', q: '', vencidos: false,
    orden: '-fecha', pagina: 1, por_pagina: 50 };
  if (ctx.yo.rol === 'director') return Object.assign(base, { estado: 'recibido', orden: 'fecha' });
  if (ctx.yo.rol === 'abogado') return Object.assign(base, { abogado_id: String(ctx.yo.id) });
  return base;
}

function leerFiltros(ctx) {
  try {
    const g = JSON.parse(sessionStorage.getItem(CLAVE + ctx.yo.id) || 'null');
    if (g && typeof g === 'object') return Object.assign(filtrosIniciales(ctx), g);
  } catch (e) {
    // a damaged saved state: start again
  }
  return filtrosIniciales(ctx);
}

function guardarFiltros(ctx, f) {
  sessionStorage.setItem(CLAVE + ctx.yo.id, JSON.stringify(f));
}

export async function mostrarBandeja(cont, ctx, vigente) {
  const f = leerFiltros(ctx);
  const [lista, carga] = await Promise.all([
    api('GET', conParametros('/api/radicados', {
      estado: f.estado, abogado_id: f.abogado_id, tipo_tramite: f.tipo_tramite, desde: f.desde,
      hasta: f.hasta, q: f.q, vencidos: f.vencidos ? 1 : '', orden: f.orden, pagina: f.pagina,
      por_pagina: f.por_pagina,
    })),
    api('GET', '/api/abogados/carga'),
  ]);
  const faltaSla = lista.radicados.some((r) => !r.sla);
  const ind = await indicadoresActuales().catch(() => null);
  if (!vigente()) return;
  // A page past the end (after a filter or a change): go to the last one.
  const paginas = Math.max(1, Math.ceil(lista.total / f.por_pagina));
  if (f.pagina > paginas) {
    f.pagina = paginas;
    guardarFiltros(ctx, f);
    return mostrarBandeja(vaciar(cont), ctx, vigente);
  }
  const recargar = async () => {
    guardarFiltros(ctx, f);
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

  cont.append(h('div', { class: 'cabecera-vista' },
    h('h1', { tabindex: '-1' }, 'Bandeja de radicados'),
    h('p', { class: 'sub' }, descripcionFiltro(f, ctx, carga))));
  cont.append(totales(f, ctx, carga, ind, recargar));
  cont.append(formularioFiltros(f, ctx, carga, recargar));
  cont.append(tablaRadicados(lista, f, faltaSla ? ind : null, recargar));
  cont.append(paginacion(lista, f, paginas, recargar));
}

function descripcionFiltro(f, ctx, carga) {
  if (f.estado === 'recibido' && !f.abogado_id && !f.q) {
    return 'Radicados sin repartir' + (f.orden === 'fecha' ? ', del más antiguo al más reciente.' : '.');
  }
  if (f.abogado_id && String(f.abogado_id) === String(ctx.yo.id)) return 'Radicados asignados a usted.';
  if (f.abogado_id) {
    const a = carga.abogados.find((x) => String(x.id) === String(f.abogado_id));
    return 'Radicados asignados a ' + (a ? a.nombre : 'el abogado ' + f.abogado_id) + '.';
  }
  return 'Todos los radicados de la oficina que cumplen los filtros.';
}

function totales(f, ctx, carga, ind, recargar) {
  const enCurso = carga.abogados.reduce((n, a) => n + (a.abiertos || 0), 0);
  const items = [];
  const tarjeta = (titulo, valor, alPulsar, clase) => {
    const cuerpo = [h('span', { class: 'cifra' }, valor === null ? '—' : miles(valor)), h('span', { class: 'titulo' }, titulo)];
    return alPulsar
      ? h('button', { type: 'button', class: ['tarjeta', clase], onclick: alPulsar, 'aria-label': titulo + ': ' + (valor === null ? 'sin dato' : valor) + '. Mostrar' }, cuerpo)
      : h('div', { class: ['tarjeta', clase] }, cuerpo);
  };
  const aplicar = (cambios) => () => {
    Object.assign(f, { estado: '', abogado_id: '', tipo_tramite: '', desde: '', hasta: '', q: '', vencidos: false, pagina: 1 }, cambios);
    recargar();
  };
  items.push(tarjeta('Sin repartir', carga.sin_repartir, aplicar({ estado: 'recibido', orden: 'fecha' })));
  items.push(tarjeta('En curso (asignados)', enCurso, null));
  if (ctx.yo.rol === 'abogado') {
    const mio = carga.abogados.find((a) => a.id === ctx.yo.id);
    items.push(tarjeta('Mis abiertos', mio ? mio.abiertos : 0, aplicar({ abogado_id: String(ctx.yo.id) })));
  }
  items.push(tarjeta('Vencidos', ind ? (ind.vencidos || []).length : null, aplicar({ vencidos: true }), 'rojo'));
  items.push(tarjeta('Por vencer', ind ? (ind.por_vencer || []).length : null, null, 'ambar'));
  return h('section', { class: 'totales', 'aria-label': 'Totales de la oficina' }, items);
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
  const venc = h('input', { type: 'checkbox', name: 'vencidos', id: 'filtro-vencidos', checked: !!f.vencidos });
  const form = h('form', { class: 'filtros', role: 'search', 'aria-label': 'Filtros de la bandeja' },
    estado.campo, abogado.campo, tipo.campo, desde.campo, hasta.campo, q.campo,
    h('div', { class: 'campo casilla' }, venc, h('label', { for: 'filtro-vencidos' }, 'Solo vencidos')),
    h('div', { class: 'botones' },
      h('button', { type: 'submit', class: 'primario' }, 'Filtrar'),
      h('button', { type: 'button', class: 'secundario', onclick: () => {
        Object.assign(f, filtrosIniciales(ctx), { estado: '', abogado_id: '', orden: '-fecha' });
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
      desde: fechas.desde, hasta: fechas.hasta, q: q.control.value.trim(), vencidos: venc.checked, pagina: 1,
    });
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

function tablaRadicados(lista, f, ind, recargar) {
  const cols = [['Radicado', 'numero'], ['Fecha', 'fecha'], ['Área solicitante'], ['Asunto'], ['Tipo de trámite', 'tipo_tramite'],
    ['Abogado'], ['Estado', 'estado'], ['Días hábiles / meta'], ['Semáforo']];
  const tbody = h('tbody');
  for (const r of lista.radicados) {
    const x = slaDe(r, r.sla, ind);
    tbody.append(h('tr', { 'data-numero': r.numero },
      h('td', { class: 'num' }, h('a', { href: '#/radicado/' + encodeURIComponent(r.numero) }, r.numero)),
      h('td', { class: 'fecha' }, fecha(r.fecha_radicacion)),
      h('td', { class: 'area', title: r.dependencia_origen_nombre || '' }, r.dependencia_origen_nombre || '—'),
      h('td', { class: 'asunto', title: r.asunto }, r.asunto),
      h('td', {}, etiqueta(TIPOS_TRAMITE, r.tipo_tramite)),
      h('td', {}, r.abogado || h('span', { class: 'tenue' }, 'Sin asignar')),
      h('td', {}, h('span', { class: 'estado e-' + r.estado }, etiqueta(ESTADOS, r.estado)),
        r.estado_ds === 'anulado' ? h('span', { class: 'estado e-anulado' }, 'Anulado en SGD') : null),
      h('td', { class: 'dias' }, textoDias(x)),
      h('td', {}, semaforo(x.estado))));
  }
  if (lista.radicados.length === 0) {
    tbody.append(h('tr', {}, h('td', { colspan: cols.length, class: 'vacio' }, 'Ningún radicado cumple los filtros.')));
  }
  const desde = lista.total === 0 ? 0 : (lista.pagina - 1) * lista.por_pagina + 1;
  const hasta = Math.min(lista.total, lista.pagina * lista.por_pagina);
  return h('div', { class: 'tabla-envoltura' },
    h('table', { class: 'tabla bandeja', id: 'tabla-bandeja' },
      h('caption', {}, 'Radicados: ', h('span', { id: 'total-radicados' }, miles(lista.total)),
        lista.total > 0 ? ' (se muestran del ' + miles(desde) + ' al ' + miles(hasta) + ')' : ''),
      h('thead', {}, h('tr', {}, cols.map(([t, k]) => encabezado(t, k && ORDENABLES[k] ? k : null, f, recargar)))),
      tbody));
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
