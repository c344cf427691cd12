// sla.js -- the business-day clock of a filing as the page shows it (used / target and the
// traffic light). The server computes it (issue 4): a list row or a filing carries "sla";
// when the list does not (an older server), /api/indicadores gives the targets per tipo de
// trámite and the most urgent overdue and due-soon filings. A server without either shows
// dashes, never an error.

import { api, ApiError, conParametros } from './api.js';
import { h } from './dom.js';
import { SEMAFORO, etiqueta, hoyISO, miles } from './fmt.js';

const VIGENCIA_MS = 60 * 1000;
let cache = null; // {cuando, datos} ; datos null when the route is absent
let ausente = false;

// The current snapshot (targets; the counts of overdue and due-soon filings with the first
// of each: GET /api/indicadores's default answer), cached a minute; null when
// this server has no /api/indicadores yet. The snapshot figures cover every open filing
// whatever the period, so asking for today's period gets them at the cost of the open
// filings only: without a period the server would also measure every concluded filing
// ever (7.5 s and 40 MB at 100,000 filings, against 0.5 s with today's period).
export async function indicadoresActuales(forzar) {
  if (ausente) return null;
  if (!forzar && cache && Date.now() - cache.cuando < VIGENCIA_MS) return cache.datos;
  try {
    const hoy = hoyISO();
    const datos = await api('GET', conParametros('/api/indicadores', { desde: hoy, hasta: hoy }));
    cache = { cuando: Date.now(), datos };
    return datos;
  } catch (e) {
    if (e instanceof ApiError && e.rutaAusente) {
      ausente = true;
      return null;
    }
    throw e;
  }
}

export function olvidarIndicadores() {
  cache = null;
}

const ABIERTOS = ['repartido', 'en_revision', 'devuelto'];

// {usados, meta, estado} of a list row (or of a filing's seguimiento plus its sla block).
export function slaDe(fila, sla, ind) {
  if (sla && typeof sla === 'object') {
    // a stopped clock (concluded) has no days left: what it shows is whether it met the target
    const estado = sla.reloj === 'detenido' && Number.isFinite(sla.dias_usados)
      ? (sla.dias_usados <= sla.meta ? 'dentro_meta' : 'fuera_meta') : sla.estado;
    return { usados: sla.dias_usados, meta: sla.meta, estado, fechaLimite: sla.fecha_limite, detenido: sla.reloj === 'detenido' };
  }
  const r = { usados: null, meta: null, estado: null, fechaLimite: null };
  // What needs no calendar: the clock starts at reparto and never runs for an annulled one.
  if (fila.estado === 'anulado' || fila.estado_ds === 'anulado') r.estado = 'no_aplica';
  else if (fila.estado === 'recibido') r.estado = 'sin_iniciar';
  if (!ind) return r;
  if (ind.metas && fila.tipo_tramite in ind.metas) r.meta = ind.metas[fila.tipo_tramite];
  // The counts-only answer carries the 10 most urgent of each list ({n, primeros}); a row
  // or filing always has its own "sla" block now, so this is only for an older server.
  const buscar = (lista) => (Array.isArray(lista) ? lista : (lista && lista.primeros) || []).find((x) => x.numero === fila.numero);
  const v = buscar(ind.vencidos);
  const p = v ? null : buscar(ind.por_vencer);
  const x = v || p;
  if (x) {
    r.usados = x.dias_usados;
    r.meta = x.meta;
    r.estado = v ? 'vencido' : 'por_vencer';
    r.fechaLimite = x.fecha_limite;
  } else if (r.estado === null && ABIERTOS.includes(fila.estado)) {
    r.estado = 'a_tiempo';
  }
  return r;
}

export function textoDias(x) {
  const u = x.usados === null || x.usados === undefined ? '—' : miles(x.usados);
  const m = x.meta === null || x.meta === undefined ? '—' : miles(x.meta);
  return u + ' / ' + m;
}

// The traffic light: a coloured dot and the word (colour is never the only signal).
export function semaforo(estado) {
  if (!estado) return h('span', { class: 'semaforo s-nd' }, '—');
  return h('span', { class: 'semaforo s-' + estado.replace('_', '-') },
    h('span', { class: 'punto', 'aria-hidden': 'true' }), etiqueta(SEMAFORO, estado));
}
