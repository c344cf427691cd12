// charts.js -- small horizontal bar charts drawn as SVG: no library, text a screen reader
// and the CSP accept (no inline style), colours from app.css. Each chart sits beside a table
// with the same figures, which is what a person copies into a report.

import { h, s, nuevoId } from './dom.js';
import { numero } from './fmt.js';

const ANCHO = 640;
const ETIQUETA = 200; // px for the row labels
const VALOR = 84; // px for the value at the end of the bar
const FILA = 28;
const BARRA = 16;
const ARRIBA = 6;

function recortar(t, n) {
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}

// barras({titulo, datos: [{etiqueta, valor, meta, clase, texto}], formato(v), leyendaMeta})
// valor null draws no bar and shows "sin datos"; meta draws a target mark on the row.
export function barras(op) {
  const datos = op.datos || [];
  const formato = op.formato || ((v) => numero(v, 1));
  const max = Math.max(1, ...datos.map((d) => Math.max(Number(d.valor) || 0, Number(d.meta) || 0)));
  const area = ANCHO - ETIQUETA - VALOR;
  const alto = ARRIBA * 2 + Math.max(1, datos.length) * FILA;
  const tid = nuevoId('graf');
  const resumen = datos.map((d) => d.etiqueta + ': ' + (d.valor === null || d.valor === undefined
    ? 'sin datos' : (d.texto || formato(d.valor))) + (d.meta !== undefined && d.meta !== null
    ? ' (meta ' + formato(d.meta) + ')' : '')).join('; ');
  const svg = s('svg', {
    viewBox: '0 0 ' + ANCHO + ' ' + alto, width: ANCHO, height: alto, role: 'img',
    'aria-labelledby': tid + '-t ' + tid + '-d', class: 'grafico-svg',
  }, s('title', { id: tid + '-t' }, op.titulo), s('desc', { id: tid + '-d' }, resumen || 'Sin datos.'));
  if (datos.length === 0) {
    svg.append(s('text', { x: 8, y: ARRIBA + 18, class: 'g-vacio' }, 'Sin datos para el periodo.'));
  }
  datos.forEach((d, i) => {
    const y = ARRIBA + i * FILA;
    const etiquetaTxt = s('text', { x: ETIQUETA - 8, y: y + FILA / 2 + 4, class: 'g-etiqueta', 'text-anchor': 'end' },
      recortar(String(d.etiqueta), 28));
    if (String(d.etiqueta).length > 28) etiquetaTxt.append(s('title', {}, String(d.etiqueta)));
    svg.append(etiquetaTxt);
    svg.append(s('rect', { x: ETIQUETA, y: y + (FILA - BARRA) / 2, width: area, height: BARRA, class: 'g-fondo' }));
    const v = d.valor === null || d.valor === undefined ? null : Number(d.valor);
    if (v !== null && v > 0) {
      svg.append(s('rect', {
        x: ETIQUETA, y: y + (FILA - BARRA) / 2, width: Math.max(2, (v / max) * area), height: BARRA,
        class: 'g-barra ' + (d.clase || ''),
      }));
    }
    if (d.meta !== undefined && d.meta !== null) {
      const xm = ETIQUETA + (Number(d.meta) / max) * area;
      svg.append(s('line', { x1: xm, x2: xm, y1: y + 3, y2: y + FILA - 3, class: 'g-meta' }));
    }
    svg.append(s('text', { x: ETIQUETA + area + 6, y: y + FILA / 2 + 4, class: 'g-valor' },
      v === null ? 'sin datos' : (d.texto || formato(v))));
  });
  const pie = [];
  if (datos.some((d) => d.meta !== undefined && d.meta !== null)) {
    pie.push(h('p', { class: 'g-leyenda' }, h('span', { class: 'marca-meta', 'aria-hidden': 'true' }),
      op.leyendaMeta || 'La línea vertical marca la meta.'));
  }
  return h('figure', { class: 'grafico' }, h('figcaption', {}, op.titulo), svg, pie);
}
