// fmt.js -- how values read on the page: dates dd/mm/aaaa (Bogotá time, as the server
// stores them), money "$ 1.234.567", and the Spanish labels of the API's codes.

// "2024-03-05T14:20:00-05:00" or "2024-03-05" -> "05/03/2024"; anything else as it is.
export function fecha(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? m[3] + '/' + m[2] + '/' + m[1] : String(iso);
}

// "2024-03-05T14:20:00-05:00" -> "05/03/2024 14:20".
export function fechaHora(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(iso);
  return m ? m[3] + '/' + m[2] + '/' + m[1] + ' ' + m[4] + ':' + m[5] : fecha(iso);
}

// "05/03/2024" -> "2024-03-05" (a real calendar date), or null.
export function fechaISO(texto) {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(texto || '');
  if (!m) return null;
  const d = Number(m[1]);
  const mes = Number(m[2]);
  const a = Number(m[3]);
  const dt = new Date(Date.UTC(a, mes - 1, d));
  if (dt.getUTCFullYear() !== a || dt.getUTCMonth() !== mes - 1 || dt.getUTCDate() !== d) return null;
  return a + '-' + String(mes).padStart(2, '0') + '-' + String(d).padStart(2, '0');
}

// Today in Bogotá (UTC-5 all year: Colombia has no daylight saving time), "AAAA-MM-DD".
export function hoyISO() {
  return new Date(Date.now() - 5 * 3600 * 1000).toISOString().slice(0, 10);
}

export function sumarDias(iso, n) {
  const d = new Date(iso + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// Thousands with dots, as in Colombia: 1234567 -> "1.234.567".
export function miles(n) {
  if (n === null || n === undefined || n === '') return '';
  const neg = Number(n) < 0;
  const t = String(Math.abs(Math.trunc(Number(n))));
  return (neg ? '-' : '') + t.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

export function dinero(n) {
  if (n === null || n === undefined || n === '') return '';
  return '$ ' + miles(n);
}

// "$ 1.234.567", "1234567" -> 1234567; "" -> null; NaN when it has no digits at all.
export function leerDinero(texto) {
  const t = String(texto || '').trim();
  if (!t) return null;
  const digitos = t.replace(/[$\s.]/g, '');
  if (!/^\d+$/.test(digitos)) return NaN;
  return Number(digitos);
}

// 12.5 -> "12,5"; null -> "".
export function numero(x, decimales) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '';
  const d = decimales === undefined ? 1 : decimales;
  const r = Number(x).toFixed(d).replace(/\.?0+$/, '');
  const [ent, dec] = r.split('.');
  return miles(ent) + (dec ? ',' + dec : '');
}

// A count and its noun, singular for exactly one: plural(1, 'día', 'días') -> "1 día",
// plural(20000, 'radicado', 'radicados') -> "20.000 radicados", plural(2.5, 'día', 'días') -> "2,5 días".
export function plural(n, uno, varios) {
  return numero(n, 1) + ' ' + (Math.abs(Number(n)) === 1 ? uno : varios);
}

// How long ago an instant was, in whole units: "hace 5 minutos", "hace 1 hora", "hace 3 días";
// "hace un momento" under a minute; '' when unreadable or in the future.
export function haceCuanto(iso, ahoraMs) {
  const t = Date.parse(iso || '');
  if (Number.isNaN(t)) return '';
  const seg = ((ahoraMs === undefined ? Date.now() : ahoraMs) - t) / 1000;
  if (seg < -60) return '';
  if (seg < 60) return 'hace un momento';
  const min = Math.floor(seg / 60);
  if (min < 60) return 'hace ' + plural(min, 'minuto', 'minutos');
  const horas = Math.floor(min / 60);
  if (horas < 48) return 'hace ' + plural(horas, 'hora', 'horas');
  return 'hace ' + plural(Math.floor(horas / 24), 'día', 'días');
}

export function porcentaje(x) {
  return x === null || x === undefined ? '' : numero(x, 1) + ' %';
}

export const ESTADOS = {
  recibido: 'Recibido',
  repartido: 'Repartido',
  en_revision: 'En revisión',
  devuelto: 'Devuelto',
  concluido: 'Concluido',
  anulado: 'Anulado',
  archivado: 'Archivado',
  trasladado: 'Trasladado',
};

// The estados of a filing taken out of the queue by the Director (undone by «Reabrir»).
export const DESENLACES = ['archivado', 'trasladado', 'anulado'];

export const TIPOS_TRAMITE = {
  contratacion_directa: 'Contratación directa',
  proceso_seleccion: 'Proceso de selección',
  novedad_contractual: 'Novedad contractual',
  liquidacion_terminacion: 'Liquidación o terminación',
  otro: 'Otro',
};

export const MODALIDADES = {
  '': 'Sin definir',
  licitacion_publica: 'Licitación pública',
  seleccion_abreviada: 'Selección abreviada',
  concurso_meritos: 'Concurso de méritos',
  contratacion_directa: 'Contratación directa',
  minima_cuantia: 'Mínima cuantía',
  acuerdo_marco: 'Acuerdo marco de precios',
  regimen_especial: 'Régimen especial',
};

export const NOVEDADES = {
  '': 'Ninguna',
  adicion: 'Adición',
  prorroga: 'Prórroga',
  modificacion: 'Modificación',
  suspension: 'Suspensión',
  reinicio: 'Reinicio',
  cesion: 'Cesión',
  terminacion_anticipada: 'Terminación anticipada',
};

export const SEMAFORO = {
  a_tiempo: 'A tiempo',
  por_vencer: 'Por vencer',
  vencido: 'Vencido',
  sin_iniciar: 'Sin iniciar',
  no_aplica: 'No aplica',
  // a concluded filing: no clock left, only whether it met its target
  dentro_meta: 'Dentro de la meta',
  fuera_meta: 'Fuera de la meta',
};

export const GESTIONES = {
  reparto: 'Reparto',
  reasignacion: 'Reasignación',
  observacion: 'Observación',
  devolucion: 'Devolución',
  reingreso: 'Reingreso',
  conclusion: 'Conclusión',
  reapertura: 'Reapertura',
  archivo: 'Archivo',
  traslado: 'Traslado',
  anulacion: 'Anulación confirmada',
  cambio_sgd: 'Cambio en el sistema documental',
};

export const ROLES = {
  director: 'Director(a)',
  abogado: 'Abogado(a)',
  apoyo: 'Apoyo administrativo',
  admin: 'Administrador(a)',
};

export const TIPOS_DISCREPANCIA = {
  falta_en_seguimiento: 'Falta en el seguimiento',
  ya_no_en_dependencia: 'Ya no está en la dependencia',
  anulado_en_sgd: 'Anulado en el sistema documental',
  datos_distintos: 'Datos distintos',
  concluido_sin_radicado: 'Concluido sin radicado',
  no_encontrado: 'No encontrado en el sistema documental',
};

export const CAMPOS = {
  tipo_tramite: 'Tipo de trámite',
  modalidad: 'Modalidad',
  novedad: 'Novedad',
  tipo_gestion: 'Tipo de gestión',
  abogado_id: 'Abogado',
  fecha_reparto: 'Fecha de reparto',
  estado: 'Estado',
  concluido_satisfactorio: 'Concluido satisfactoriamente',
  fecha_conclusion: 'Fecha de conclusión',
  numero_contrato: 'Número de contrato',
  contratista: 'Contratista',
  objeto: 'Objeto',
  valor: 'Valor',
  fecha_suscripcion: 'Fecha de suscripción',
  fecha_rp: 'Registro presupuestal (RP)',
  fecha_aprobacion_garantias: 'Aprobación de garantías',
  fecha_arl: 'Afiliación ARL',
  fecha_acta_inicio: 'Acta de inicio',
  publicado_secop: 'Publicado en SECOP',
  linea_paa: 'Línea del PAA',
  observaciones: 'Observaciones',
  devoluciones: 'Devoluciones',
  estado_anterior: 'Estado antes del desenlace',
  gestion: 'Gestión',
};

// The label of code in table, or the code itself.
export function etiqueta(tabla, code) {
  if (code === null || code === undefined) return '';
  return Object.prototype.hasOwnProperty.call(tabla, code) ? tabla[code] : String(code);
}

// A stored follow-up value as a person reads it (for history and conflicts).
export function valorLegible(campoNombre, v) {
  if (v === null || v === undefined || v === '') return '(vacío)';
  switch (campoNombre) {
    case 'estado':
    case 'estado_anterior':
      return etiqueta(ESTADOS, v);
    case 'tipo_tramite': return etiqueta(TIPOS_TRAMITE, v);
    case 'modalidad': return etiqueta(MODALIDADES, v);
    case 'novedad': return etiqueta(NOVEDADES, v);
    case 'valor': return dinero(v);
    case 'estado_ds': return { vigente: 'Vigente', anulacion_solicitada: 'Anulación solicitada', anulado: 'Anulado' }[v] || String(v);
    case 'publicado_secop':
    case 'concluido_satisfactorio':
      return v === true || v === 1 || v === '1' ? 'Sí' : 'No';
    default:
      if (/^\d{4}-\d{2}-\d{2}T/.test(String(v))) return fechaHora(String(v));
      if (/^\d{4}-\d{2}-\d{2}$/.test(String(v))) return fecha(String(v));
      return String(v);
  }
}
