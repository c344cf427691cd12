// ficha.js -- one filing: the document system's data, the follow-up fields each role may
// edit, the workflow actions (repartir, observación, devolver, reingreso, concluir,
// reabrir; the Director's outcomes archivar, trasladar, confirmar anulación), the SLA clock
// and the history. Every write names the version it read; a stale
// one (409) shows what the other person changed and lets the user apply theirs again.

import { api, ApiError, conParametros } from './api.js';
import { h, vaciar, campo, selector, marcarError, aviso, dialogo, datos, tabla, nuevoId, recordarFoco } from './dom.js';
import {
  ESTADOS, TIPOS_TRAMITE, MODALIDADES, NOVEDADES, GESTIONES, CAMPOS, DESENLACES, etiqueta, fecha,
  fechaHora, fechaISO, dinero, leerDinero, valorLegible, miles, plural,
} from './fmt.js';
import { indicadoresActuales, olvidarIndicadores, slaDe, textoDias, semaforo } from './sla.js';

const CAMPOS_SEGUIMIENTO = ['tipo_tramite', 'modalidad', 'novedad', 'tipo_gestion', 'observaciones'];
const CAMPOS_CONTRATO = ['numero_contrato', 'contratista', 'linea_paa', 'objeto', 'valor', 'fecha_suscripcion'];
const CAMPOS_LEGALIZACION = ['fecha_rp', 'fecha_aprobacion_garantias', 'fecha_arl', 'fecha_acta_inicio', 'publicado_secop'];
const CAMPOS_FECHA = ['fecha_suscripcion', 'fecha_rp', 'fecha_aprobacion_garantias', 'fecha_arl', 'fecha_acta_inicio'];

// After a write: the filing as GET shows it (with its clock, which a write's answer may
// leave out), else the write's own answer.
async function actualizar(f, respuesta) {
  f.d = await api('GET', '/api/radicados/' + encodeURIComponent(respuesta.radicado.numero)).catch(() => respuesta);
  f.ind = f.d.sla ? null : await indicadoresActuales().catch(() => null);
}

export async function mostrarFicha(cont, ctx, numero, vigente) {
  const [d, carga] = await Promise.all([
    api('GET', '/api/radicados/' + encodeURIComponent(numero)),
    api('GET', '/api/abogados/carga'),
  ]);
  const ind = d.sla ? null : await indicadoresActuales().catch(() => null);
  if (!vigente()) return;
  const f = { ctx, d, carga, ind, cont, vigente };
  pintar(f);
}

function nombres(f) {
  const m = new Map();
  for (const a of f.carga.abogados) m.set(String(a.id), a.nombre);
  if (f.d.seguimiento.abogado_id) m.set(String(f.d.seguimiento.abogado_id), f.d.seguimiento.abogado);
  for (const g of f.d.gestiones) if (g.usuario_id) m.set(String(g.usuario_id), g.usuario);
  return m;
}

// What the signed-in user may do on this filing.
function derechos(f) {
  const { yo, puede } = f.ctx;
  const sg = f.d.seguimiento;
  const anulado = sg.estado === 'anulado' || f.d.radicado.estado_ds === 'anulado';
  const asignado = sg.abogado_id !== null && sg.abogado_id === yo.id;
  const propio = yo.rol !== 'abogado' || asignado;
  const desenlace = DESENLACES.includes(sg.estado);
  const abierto = ['recibido', 'repartido', 'en_revision', 'devuelto'].includes(sg.estado);
  const dsAnulado = ['anulado', 'anulacion_solicitada'].includes(f.d.radicado.estado_ds);
  return {
    anulado,
    asignado,
    desenlace,
    // the Director's outcomes (the server decides the same in workflow.c's table)
    sacarDeLaCola: abierto && !anulado && puede.reabrir,
    confirmarAnulacion: abierto && dsAnulado && puede.reabrir,
    reabrirDesenlace: desenlace && puede.reabrir,
    editarSeguimiento: !anulado && puede.editarSeguimiento && propio,
    editarContrato: !anulado && puede.editarContrato && propio,
    gestionar: !anulado && puede.gestionar && propio,
    repartir: !anulado && puede.repartir,
    reabrir: !anulado && puede.reabrir,
  };
}

function pintar(f) {
  const { d } = f;
  const r = d.radicado;
  const sg = d.seguimiento;
  const x = slaDe(Object.assign({ numero: r.numero, estado_ds: r.estado_ds }, sg), d.sla, f.ind);
  const cont = vaciar(f.cont);
  cont.append(h('p', { class: 'migas' }, h('a', { href: '#/bandeja' }, '← Volver a la bandeja')));
  cont.append(h('div', { class: 'cabecera-vista ficha-cabecera' },
    h('h1', { tabindex: '-1' }, 'Radicado ', h('span', { class: 'num' }, r.numero)),
    h('span', { class: 'estado e-' + sg.estado, id: 'estado-ficha' }, etiqueta(ESTADOS, sg.estado)),
    x.estado ? semaforo(x.estado) : null,
    r.estado_ds !== 'vigente' ? h('span', { class: 'estado e-anulado' }, r.estado_ds === 'anulado' ? 'Anulado en el sistema documental' : 'Anulación solicitada') : null));
  cont.append(h('p', { class: 'asunto-ficha' }, r.asunto));
  f.zonaConflicto = h('div', { id: 'conflicto' });
  const principal = h('div', { class: 'ficha-principal' },
    f.zonaConflicto,
    seccionSgd(r, d.imagen_url),
    formulario(f, 'seguimiento'),
    formulario(f, 'contrato'));
  const lateral = h('div', { class: 'ficha-lateral' },
    seccionAcciones(f),
    seccionSla(f, x),
    seccionHistorial(f));
  cont.append(h('div', { class: 'ficha' }, principal, lateral));
  colocarAcciones();
}

// On a narrow screen the ficha is one column (app.css) and Acciones come first, after a
// conflict notice: moved in the document, not only drawn first, so that Tab and a screen
// reader meet them in the order the eye does. On a wide screen they head the right column.
const UNA_COLUMNA = window.matchMedia('(max-width: 1100px)');
function colocarAcciones() {
  const ficha = document.querySelector('#vista .ficha');
  const acciones = ficha && ficha.querySelector('section[aria-labelledby="titulo-acciones"]');
  if (!acciones) return;
  if (UNA_COLUMNA.matches) ficha.querySelector('#conflicto').after(acciones);
  else ficha.querySelector('.ficha-lateral').prepend(acciones);
}
UNA_COLUMNA.addEventListener('change', colocarAcciones);

// imagen: the document system's viewer of the filing (the mapping's imagen_url), or none.
function seccionSgd(r, imagen) {
  return h('section', { class: 'panel', 'aria-labelledby': 'titulo-sgd' },
    h('h2', { id: 'titulo-sgd' }, 'Datos del sistema documental'),
    datos([
      ['Fecha de radicación', fechaHora(r.fecha_radicacion)],
      ['Tipo de radicado', r.tipo_radicado],
      ['Área solicitante', [r.dependencia_origen_nombre, r.dependencia_origen ? ' (' + r.dependencia_origen + ')' : ''].join('')],
      ['Remitente', r.remitente],
      ['Folios', r.folios === null || r.folios === undefined ? '' : String(r.folios)],
      ['Tipo documental', r.tipo_documental],
      ['Dependencia actual', r.dependencia_actual],
      ['Estado en el sistema documental', r.estado_ds === 'vigente' ? 'Vigente' : r.estado_ds === 'anulado' ? 'Anulado' : 'Anulación solicitada'],
      ['Imagen', imagen ? [h('a', { href: imagen, target: '_blank', rel: 'noopener' }, 'Imagen'), r.ruta ? ' ' + r.ruta : ''] : r.ruta],
      ['Visto por primera vez', fechaHora(r.visto_primero)],
    ], 'datos datos-dos'));
}

// ---- The two edit forms

function controlDe(nombre, valor) {
  switch (nombre) {
    case 'tipo_tramite':
      return selector(Object.entries(TIPOS_TRAMITE), valor, { name: nombre });
    case 'modalidad':
      return selector(Object.entries(MODALIDADES), valor || '', { name: nombre });
    case 'novedad':
      return selector(Object.entries(NOVEDADES), valor || '', { name: nombre });
    case 'observaciones':
      return h('textarea', { name: nombre, rows: 3, maxlength: 8000 }, valor || '');
    case 'objeto':
      return h('textarea', { name: nombre, rows: 2, maxlength: 2000 }, valor || '');
    case 'valor':
      return h('input', { type: 'text', name: nombre, inputmode: 'numeric', autocomplete: 'off', value: valor === null || valor === undefined ? '' : dinero(valor) });
    case 'publicado_secop':
      return h('input', { type: 'checkbox', name: nombre, checked: !!valor });
    default:
      if (CAMPOS_FECHA.includes(nombre)) {
        return h('input', { type: 'text', name: nombre, inputmode: 'numeric', placeholder: 'dd/mm/aaaa', autocomplete: 'off', maxlength: 10, value: fecha(valor) });
      }
      return h('input', { type: 'text', name: nombre, autocomplete: 'off', maxlength: nombre === 'contratista' ? 300 : 200, value: valor || '' });
  }
}

const AYUDAS = {
  valor: 'En pesos, sin decimales: por ejemplo $ 1.234.567.',
  tipo_gestion: 'Por ejemplo: revisión de estudios previos.',
};

function formulario(f, cual) {
  const der = derechos(f);
  const sg = f.d.seguimiento;
  const grupos = cual === 'seguimiento' ? [[null, CAMPOS_SEGUIMIENTO]]
    : [['Contrato', CAMPOS_CONTRATO], ['Legalización', CAMPOS_LEGALIZACION]];
  const editable = cual === 'seguimiento' ? der.editarSeguimiento : der.editarContrato;
  const titulo = cual === 'seguimiento' ? 'Seguimiento' : 'Contrato y legalización';
  const tid = 'titulo-' + cual;
  const controles = {};
  const conjuntos = [];
  for (const [leyenda, nombresCampos] of grupos) {
    const campos = [];
    for (const n of nombresCampos) {
      const c = controlDe(n, sg[n]);
      controles[n] = c;
      if (n === 'publicado_secop') {
        c.id = nuevoId('f');
        campos.push(h('div', { class: 'campo casilla' }, c, h('label', { for: c.id }, CAMPOS[n])));
      } else {
        const cc = campo(CAMPOS[n], c, AYUDAS[n]);
        if (n === 'observaciones' || n === 'objeto') cc.campo.classList.add('ancho');
        campos.push(cc.campo);
      }
    }
    conjuntos.push(h('fieldset', { disabled: !editable, class: 'rejilla' },
      h('legend', { class: leyenda ? 'leyenda' : 'oculto' }, leyenda || titulo), campos));
  }
  if (controles.valor) {
    controles.valor.addEventListener('blur', () => {
      const v = leerDinero(controles.valor.value);
      if (v !== null && !Number.isNaN(v)) controles.valor.value = dinero(v);
    });
  }
  let nota = null;
  if (!editable) {
    nota = der.anulado ? 'El radicado está anulado: no admite cambios.'
      : f.ctx.yo.rol === 'abogado' ? 'Solo el abogado asignado o la Dirección pueden modificar este radicado.'
        : cual === 'seguimiento' && f.ctx.yo.rol === 'apoyo' ? 'Su rol registra solo los datos del contrato y de legalización.'
          : 'Su rol puede consultar estos datos, no modificarlos.';
  }
  const form = h('form', { class: 'panel', 'aria-labelledby': tid, 'data-formulario': cual, novalidate: true },
    h('h2', { id: tid }, titulo),
    nota ? h('p', { class: 'tenue' }, nota) : null,
    conjuntos,
    editable ? h('div', { class: 'botones' }, h('button', { type: 'submit', class: 'primario' }, 'Guardar ' + titulo.toLowerCase())) : null);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const cambios = leerCambios(sg, controles);
    if (cambios === null) {
      aviso('Revise los campos marcados.', 'error');
      return;
    }
    if (Object.keys(cambios).length === 0) {
      aviso('No hay cambios que guardar.', 'info');
      return;
    }
    await guardar(f, cambios);
  });
  return form;
}

// The fields whose value differs from what was read, as the API takes them; null when one
// is invalid (then it is marked).
function leerCambios(sg, controles) {
  const cambios = {};
  let ok = true;
  for (const [n, c] of Object.entries(controles)) {
    let v;
    if (n === 'publicado_secop') {
      v = c.checked;
      if (v !== !!sg[n]) cambios[n] = v;
      continue;
    }
    if (n === 'valor') {
      v = leerDinero(c.value);
      marcarError(c, Number.isNaN(v) ? 'Escriba solo el número de pesos, por ejemplo 1.234.567.' : null);
      if (Number.isNaN(v)) { ok = false; continue; }
      if (v !== (sg[n] ?? null)) cambios[n] = v;
      continue;
    }
    if (CAMPOS_FECHA.includes(n)) {
      const t = c.value.trim();
      v = t ? fechaISO(t) : null;
      marcarError(c, t && !v ? 'Escriba una fecha real como dd/mm/aaaa.' : null);
      if (t && !v) { ok = false; continue; }
      if (v !== (sg[n] ? String(sg[n]).slice(0, 10) : null)) cambios[n] = v;
      continue;
    }
    v = c.value;
    if (v !== (sg[n] ?? '')) cambios[n] = v;
  }
  return ok ? cambios : null;
}

async function guardar(f, cambios) {
  const numero = f.d.radicado.numero;
  try {
    const r = await api('PATCH', '/api/radicados/' + encodeURIComponent(numero),
      Object.assign({}, cambios, { version: f.d.seguimiento.version }));
    olvidarIndicadores();
    await actualizar(f, r);
    const volver = recordarFoco();
    pintar(f);
    volver(f.cont);
    aviso('Cambios guardados en el radicado ' + numero + '.', 'ok');
  } catch (e) {
    if (e instanceof ApiError && e.estado === 409) {
      await conflicto(f, cambios);
      return;
    }
    aviso(e.message, 'error');
  }
}

// A stale edit: show what changed meanwhile (and who did it) beside the user's own change;
// the user decides to apply theirs over the current version or to drop it.
async function conflicto(f, mios) {
  const leido = f.d;
  const actual = await api('GET', '/api/radicados/' + encodeURIComponent(leido.radicado.numero));
  const vistos = new Set(leido.auditoria.map((a) => a.id));
  const nuevos = actual.auditoria.filter((a) => !vistos.has(a.id));
  const quien = new Map();
  for (const a of nuevos) quien.set(a.campo, a);
  const camposVistos = new Set(Object.keys(mios));
  for (const a of nuevos) {
    if (a.campo in leido.seguimiento) camposVistos.add(a.campo);
  }
  const filas = [];
  for (const c of camposVistos) {
    const a = quien.get(c);
    filas.push([
      etiqueta(CAMPOS, c),
      valorLegible(c, leido.seguimiento[c]),
      h('span', {}, valorLegible(c, actual.seguimiento[c]),
        a ? h('small', { class: 'tenue bloque' }, 'por ' + (a.usuario || 'usuario ' + a.usuario_id) + ', ' + fechaHora(a.fecha)) : null),
      c in mios ? valorLegible(c, mios[c]) : h('span', { class: 'tenue' }, 'sin cambio suyo'),
    ]);
  }
  const autores = [...new Set(nuevos.map((a) => a.usuario || 'otro usuario'))];
  const zona = vaciar(f.zonaConflicto);
  const aplicar = h('button', { type: 'button', class: 'primario' }, 'Guardar mis cambios sobre la versión actual');
  const descartar = h('button', { type: 'button', class: 'secundario' }, 'Descartar mis cambios');
  const panel = h('section', { class: 'panel conflicto', role: 'alert', 'aria-labelledby': 'titulo-conflicto', tabindex: '-1' },
    h('h2', { id: 'titulo-conflicto' }, 'Otra persona cambió este radicado'),
    h('p', {}, 'Mientras usted editaba, ' + (autores.length ? autores.join(', ') : 'otra persona') +
      ' guardó cambios (versión ' + leido.seguimiento.version + ' → ' + actual.seguimiento.version +
      '). Sus cambios no se guardaron. Compare y decida:'),
    tabla('Cambios en conflicto', [{ titulo: 'Campo' }, { titulo: 'Lo que usted leyó' }, { titulo: 'Valor actual' }, { titulo: 'Su cambio' }], filas, { captionOculta: true }),
    h('div', { class: 'botones' }, aplicar, descartar));
  aplicar.addEventListener('click', async () => {
    f.d = actual;
    aplicar.disabled = true;
    descartar.disabled = true;
    vaciar(f.zonaConflicto);
    await guardar(f, mios);
  });
  descartar.addEventListener('click', () => {
    f.d = actual;
    pintar(f);
    aviso('Se descartaron sus cambios; la ficha muestra la versión actual.', 'info');
  });
  zona.append(panel);
  for (const b of f.cont.querySelectorAll('form[data-formulario] button[type=submit]')) b.disabled = true;
  panel.focus();
  panel.scrollIntoView({ block: 'start' });
}

// ---- Actions

function seccionAcciones(f) {
  const der = derechos(f);
  const e = f.d.seguimiento.estado;
  const botones = [];
  const boton = (texto, accion, clase) => botones.push(h('button', { type: 'button', class: clase || 'secundario', 'data-accion': accion, onclick: () => ACCIONES[accion](f) }, texto));
  if (der.repartir && e !== 'concluido' && !der.desenlace) boton(e === 'recibido' ? 'Repartir' : 'Reasignar', 'repartir', 'primario');
  if (der.gestionar && ['repartido', 'en_revision', 'devuelto'].includes(e)) boton('Registrar observación', 'observacion');
  if (der.gestionar && ['repartido', 'en_revision'].includes(e)) boton('Devolver al área', 'devolucion');
  if (der.gestionar && e === 'devuelto') boton('Registrar reingreso', 'reingreso', 'primario');
  if (der.gestionar && ['repartido', 'en_revision'].includes(e)) boton('Concluir', 'conclusion', 'primario');
  if (der.reabrir && e === 'concluido') boton('Reabrir', 'reapertura');
  if (der.sacarDeLaCola) {
    boton('Archivar', 'archivo');
    boton('Trasladar', 'traslado');
  }
  if (der.confirmarAnulacion) boton('Confirmar anulación', 'anulacion');
  if (der.reabrirDesenlace) boton('Reabrir', 'reapertura', 'primario');
  const des = der.desenlace ? ultimoDesenlace(f) : null;
  let nota = null;
  if (botones.length === 0) {
    nota = des ? textoDesenlace(des) + ' Solo la Dirección puede reabrirlo.'
      : der.anulado ? 'El radicado está anulado: no admite gestiones.'
      : e === 'recibido' ? 'Pendiente de reparto por la Dirección.'
        : f.ctx.yo.rol === 'abogado' && !der.asignado ? 'Este radicado no está asignado a usted.'
          : e === 'concluido' ? 'Concluido' + (f.d.seguimiento.fecha_conclusion ? ' el ' + fecha(f.d.seguimiento.fecha_conclusion) : '') + '.'
            : 'Su rol no tiene acciones sobre este radicado.';
  }
  const sg = f.d.seguimiento;
  return h('section', { class: 'panel', 'aria-labelledby': 'titulo-acciones' },
    h('h2', { id: 'titulo-acciones' }, 'Acciones'),
    datos([
      ['Abogado', sg.abogado || 'Sin asignar'],
      ['Fecha de reparto', fecha(sg.fecha_reparto)],
      ['Devoluciones', miles(sg.devoluciones ?? 0)],
      ['Conclusión', sg.concluido_satisfactorio === null || sg.concluido_satisfactorio === undefined ? '' : (sg.concluido_satisfactorio ? 'Satisfactoria' : 'No satisfactoria') + (sg.fecha_conclusion ? ', ' + fecha(sg.fecha_conclusion) : '')],
    ].concat(der.desenlace ? [['Desenlace', h('span', { id: 'desenlace' }, des ? textoDesenlace(des) : etiqueta(ESTADOS, sg.estado) + '.')]] : [])),
    botones.length ? h('div', { class: 'botones acciones' }, botones) : h('p', { class: 'tenue' }, nota));
}

// The last outcome gestión (archivo, traslado, anulacion) of the filing, or null.
function ultimoDesenlace(f) {
  const g = f.d.gestiones.filter((x) => ['archivo', 'traslado', 'anulacion'].includes(x.tipo));
  return g.length ? g[g.length - 1] : null;
}

// «Archivado el 01/12/2026 por …: motivo.» as a person reads it.
function textoDesenlace(g) {
  const que = { archivo: 'Archivado', traslado: 'Trasladado', anulacion: 'Anulación confirmada' }[g.tipo];
  const destino = g.tipo === 'traslado' && g.datos && g.datos.dependencia_destino ? ' a la dependencia ' + g.datos.dependencia_destino : '';
  return que + destino + ' el ' + fecha(g.fecha) + (g.usuario ? ' por ' + g.usuario : '') + (g.texto ? ': ' + g.texto : '') + '.';
}

// Sends a workflow write and refreshes the filing; 409/422 show why, from the server.
async function enviar(f, ruta, cuerpo, hecho) {
  const numero = f.d.radicado.numero;
  try {
    const r = await api('POST', '/api/radicados/' + encodeURIComponent(numero) + ruta,
      Object.assign({}, cuerpo, { version: f.d.seguimiento.version }));
    olvidarIndicadores();
    await actualizar(f, r);
    f.carga = await api('GET', '/api/abogados/carga').catch(() => f.carga);
    pintar(f);
    aviso(hecho, 'ok');
    setTimeout(() => enfocarAcciones(f), 0); // after the dialog has closed
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.estado === 409) {
      const actual = await api('GET', '/api/radicados/' + encodeURIComponent(numero));
      const ultima = actual.gestiones[actual.gestiones.length - 1];
      f.d = actual;
      pintar(f);
      aviso('El radicado cambió mientras usted decidía: ahora está «' + etiqueta(ESTADOS, actual.seguimiento.estado) + '»' +
        (ultima ? ' (' + etiqueta(GESTIONES, ultima.tipo).toLowerCase() + ' de ' + (ultima.usuario || 'otro usuario') + ', ' + fechaHora(ultima.fecha) + ')' : '') +
        '. Revise y repita la acción si aún corresponde.', 'error');
      return true;
    }
    throw e;
  }
}

// After an action: the next possible action, else the filing's title.
function enfocarAcciones(f) {
  const b = f.cont.querySelector('[data-accion]');
  const t = b || f.cont.querySelector('h1');
  if (t) t.focus({ preventScroll: !b });
}

function areaTexto(etiquetaTexto, requerido, ayuda, nombre) {
  return campo(etiquetaTexto + (requerido ? ' (obligatorio)' : ' (opcional)'),
    h('textarea', { rows: 4, maxlength: 8000, required: requerido, name: nombre || 'texto' }), ayuda);
}

// op.campo: the body member the text goes in ('texto', or 'motivo' for the outcomes);
// op.destino: ask for the dependency a traslado goes to.
function dialogoGestion(f, tipo, titulo, op) {
  const miembro = op.campo || 'texto';
  const texto = areaTexto(op.etiqueta, op.requerido, op.ayuda, miembro);
  let si = null;
  let no = null;
  let destino = null;
  const partes = [];
  if (op.destino) {
    destino = campo('Código de la dependencia de destino (obligatorio)',
      h('input', { type: 'text', name: 'dependencia_destino', inputmode: 'numeric', autocomplete: 'off', maxlength: 20, required: true }),
      'Solo dígitos, como en el sistema documental: por ejemplo 500.');
    partes.push(destino.campo);
  }
  if (op.satisfactorio) {
    si = h('input', { type: 'radio', name: 'satisfactorio', value: 'si', id: nuevoId('r'), checked: true });
    no = h('input', { type: 'radio', name: 'satisfactorio', value: 'no', id: nuevoId('r') });
    partes.push(h('fieldset', { class: 'radios' }, h('legend', {}, 'Resultado'),
      h('div', { class: 'casilla' }, si, h('label', { for: si.id }, 'Satisfactorio')),
      h('div', { class: 'casilla' }, no, h('label', { for: no.id }, 'No satisfactorio'))));
  }
  partes.push(texto.campo);
  dialogo(titulo, h('div', { class: 'cuerpo-dialogo' }, op.explicacion ? h('p', {}, op.explicacion) : null, partes), [
    { texto: op.boton, clase: 'primario', alPulsar: async (dlg) => {
      const t = texto.control.value.trim();
      const dest = destino ? destino.control.value.trim() : '';
      if (destino && !/^[0-9]{1,20}$/.test(dest)) {
        marcarError(destino.control, dest ? 'Escriba solo dígitos: el código de la dependencia.' : 'Este campo es obligatorio.');
        destino.control.focus();
        return false;
      }
      if (destino) marcarError(destino.control, null);
      if (op.requerido && !t) {
        marcarError(texto.control, 'Este campo es obligatorio.');
        texto.control.focus();
        return false;
      }
      marcarError(texto.control, null);
      const cuerpo = { tipo };
      if (t) cuerpo[miembro] = t;
      if (destino) cuerpo.dependencia_destino = dest;
      if (op.satisfactorio) cuerpo.satisfactorio = si.checked;
      try {
        return await enviar(f, '/gestiones', cuerpo, op.hecho);
      } catch (e) {
        dlg.mostrarError(e.message);
        return false;
      }
    } },
    { texto: 'Cancelar', clase: 'secundario' },
  ]);
}

const ACCIONES = {
  repartir: (f) => dialogoReparto(f),
  observacion: (f) => dialogoGestion(f, 'observacion', 'Registrar observación', {
    etiqueta: 'Observación', requerido: true, boton: 'Registrar', hecho: 'Observación registrada.',
  }),
  devolucion: (f) => dialogoGestion(f, 'devolucion', 'Devolver al área solicitante', {
    etiqueta: 'Observaciones para el área', requerido: true, boton: 'Devolver',
    explicacion: 'El radicado vuelve al área para que lo corrija; el plazo se detiene hasta su reingreso.',
    ayuda: 'Qué debe corregir o completar el área.', hecho: 'Radicado devuelto al área solicitante.',
  }),
  reingreso: (f) => dialogoGestion(f, 'reingreso', 'Registrar reingreso', {
    etiqueta: 'Nota', requerido: false, boton: 'Registrar reingreso',
    explicacion: 'El área respondió a la devolución; el plazo vuelve a correr.', hecho: 'Reingreso registrado.',
  }),
  conclusion: (f) => dialogoGestion(f, 'conclusion', 'Concluir el trámite', {
    etiqueta: 'Nota de conclusión', requerido: false, boton: 'Concluir', satisfactorio: true, hecho: 'Trámite concluido.',
  }),
  reapertura: (f) => dialogoGestion(f, 'reapertura', 'Reabrir el radicado', {
    etiqueta: 'Motivo', requerido: true, boton: 'Reabrir', hecho: 'Radicado reabierto.',
    explicacion: DESENLACES.includes(f.d.seguimiento.estado)
      ? 'El radicado vuelve a la cola en el estado que tenía: «' + etiqueta(ESTADOS, f.d.seguimiento.estado_anterior || 'recibido') + '».'
      : null,
  }),
  archivo: (f) => dialogoGestion(f, 'archivo', 'Archivar el radicado', {
    etiqueta: 'Motivo', campo: 'motivo', requerido: true, boton: 'Archivar', hecho: 'Radicado archivado: salió de la cola.',
    explicacion: 'Para lo que no es una solicitud de contratación (un derecho de petición, una invitación…). Sale de «Sin repartir» y de la carga, sin plazo; la Dirección puede reabrirlo.',
    ayuda: 'Por qué no es una solicitud de contratación.',
  }),
  traslado: (f) => dialogoGestion(f, 'traslado', 'Trasladar a otra dependencia', {
    etiqueta: 'Motivo', campo: 'motivo', requerido: false, destino: true, boton: 'Trasladar', hecho: 'Radicado trasladado: salió de la cola.',
    explicacion: 'El radicado lo atiende otra dependencia. Sale de «Sin repartir» y de la carga, sin plazo; la Dirección puede reabrirlo.',
  }),
  anulacion: (f) => dialogoGestion(f, 'anulacion', 'Confirmar la anulación', {
    etiqueta: 'Nota', campo: 'motivo', requerido: false, boton: 'Confirmar anulación', hecho: 'Anulación confirmada: el radicado salió de la cola.',
    explicacion: 'El sistema documental muestra este radicado como ' + (f.d.radicado.estado_ds === 'anulado' ? 'anulado' : 'con anulación solicitada') + '. Al confirmarlo sale de la cola, sin plazo.',
  }),
};

// /api/abogados/carga?tipo_tramite= with the reparto suggestion (issue 4); a server without
// the suggestion answers the plain load, and the dialog says so.
async function cargaConSugerencia(tipo) {
  try {
    return { d: await api('GET', conParametros('/api/abogados/carga', { tipo_tramite: tipo })), conSugerencia: true };
  } catch (e) {
    if (e instanceof ApiError && (e.estado === 400 || e.estado === 404)) {
      return { d: await api('GET', '/api/abogados/carga'), conSugerencia: false };
    }
    throw e;
  }
}

function normalizarCarga(d) {
  const filas = new Map();
  for (const a of d.abogados || []) {
    const id = a.id ?? a.abogado_id;
    filas.set(id, {
      id, nombre: a.nombre ?? a.abogado, activo: a.activo !== false, abiertos: a.abiertos ?? 0,
      porEstado: a.por_estado || {}, posicion: a.posicion ?? null, puntaje: a.puntaje ?? null,
      urgentes: a.urgentes ?? null,
    });
  }
  let sug = d.sugerencia || null;
  if (!sug && d.criterio && (d.abogados || []).some((a) => 'posicion' in a)) sug = d;
  if (sug && Array.isArray(sug.abogados)) {
    for (const a of sug.abogados) {
      const id = a.abogado_id ?? a.id;
      const fila = filas.get(id) || { id, nombre: a.abogado ?? a.nombre, activo: true, abiertos: a.abiertos ?? 0, porEstado: {} };
      Object.assign(fila, { posicion: a.posicion ?? null, puntaje: a.puntaje ?? null, urgentes: a.urgentes ?? null });
      if (fila.abiertos === undefined) fila.abiertos = a.abiertos;
      filas.set(id, fila);
    }
  }
  const lista = [...filas.values()].filter((a) => a.activo);
  lista.sort((a, b) => (a.posicion ?? 1e9) - (b.posicion ?? 1e9) || a.abiertos - b.abiertos || String(a.nombre).localeCompare(String(b.nombre), 'es'));
  return { lista, criterio: sug ? sug.criterio : null, fechaLimite: sug ? sug.fecha_limite_si_se_asigna : null, meta: sug ? sug.meta : null };
}

async function dialogoReparto(f) {
  const sg = f.d.seguimiento;
  let carga;
  try {
    carga = await cargaConSugerencia(sg.tipo_tramite);
  } catch (e) {
    aviso(e.message, 'error');
    return;
  }
  const n = normalizarCarga(carga.d);
  const sugerido = n.lista.find((a) => a.posicion === 1 && a.id !== sg.abogado_id) || null;
  const filas = n.lista.map((a) => {
    const radio = h('input', { type: 'radio', name: 'abogado', value: String(a.id), id: nuevoId('ab'), disabled: a.id === sg.abogado_id, checked: sugerido && a.id === sugerido.id });
    return h('tr', {},
      h('td', {}, h('div', { class: 'casilla' }, radio, h('label', { for: radio.id }, a.nombre, a.id === sg.abogado_id ? ' (asignado ahora)' : ''))),
      h('td', { class: 'cifra' }, miles(a.abiertos ?? 0)),
      h('td', { class: 'cifra' }, cifra(a.porEstado.repartido)),
      h('td', { class: 'cifra' }, cifra(a.porEstado.en_revision)),
      h('td', { class: 'cifra' }, cifra(a.porEstado.devuelto)),
      h('td', {}, a.posicion ? (a.posicion === 1 ? h('strong', { class: 'sugerido' }, '1.º · sugerido') : a.posicion + '.º') : '—',
        a.puntaje !== null && a.puntaje !== undefined ? h('small', { class: 'tenue bloque' }, 'puntaje ' + miles(a.puntaje) + (a.urgentes ? ', ' + plural(a.urgentes, 'urgente', 'urgentes') : '')) : null));
  });
  const tablaCarga = h('table', { class: 'tabla compacta' },
    h('caption', {}, 'Carga abierta de cada abogado'),
    h('thead', {}, h('tr', {}, ['Abogado', 'Abiertos', 'Repartidos', 'En revisión', 'Devueltos', 'Sugerencia'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, filas.length ? filas : h('tr', {}, h('td', { colspan: 6, class: 'vacio' }, 'No hay abogados activos.'))));
  const texto = areaTexto('Indicaciones para el abogado', false);
  const explic = carga.conSugerencia && n.criterio
    ? h('p', { class: 'tenue' }, n.criterio + (n.fechaLimite ? ' Si se asigna hoy, la fecha límite sería el ' + fecha(n.fechaLimite) + '.' : ''))
    : h('p', { class: 'nota' }, 'La sugerencia de reparto aún no está disponible en este servidor; la lista está ordenada por carga abierta.');
  dialogo((sg.estado === 'recibido' ? 'Repartir' : 'Reasignar') + ' el radicado ' + f.d.radicado.numero,
    h('div', { class: 'cuerpo-dialogo' },
      h('p', {}, 'Tipo de trámite: ' + etiqueta(TIPOS_TRAMITE, sg.tipo_tramite) + (n.meta ? ' (meta: ' + plural(n.meta, 'día hábil', 'días hábiles') + ')' : '') + '.'),
      tablaCarga, explic, texto.campo),
    [
      { texto: sg.estado === 'recibido' ? 'Repartir' : 'Reasignar', clase: 'primario', alPulsar: async (dlg) => {
        const elegido = dlg.querySelector('input[name=abogado]:checked');
        if (!elegido) {
          dlg.mostrarError('Elija un abogado.');
          return false;
        }
        const cuerpo = { abogado_id: Number(elegido.value) };
        const t = texto.control.value.trim();
        if (t) cuerpo.texto = t;
        const nombre = (n.lista.find((a) => String(a.id) === elegido.value) || {}).nombre || '';
        try {
          return await enviar(f, '/reparto', cuerpo, 'Radicado asignado a ' + nombre + '.');
        } catch (e) {
          dlg.mostrarError(e.message);
          return false;
        }
      } },
      { texto: 'Cancelar', clase: 'secundario' },
    ]);
}

// ---- Clock and history

const cifra = (v) => (v === null || v === undefined ? '—' : miles(v));

// After the traffic light of a concluded filing: «(4 de 10 días hábiles)», «(3 días hábiles de más)».
function resultadoMeta(x) {
  if (!Number.isFinite(x.usados) || !Number.isFinite(x.meta)) return '';
  return x.usados <= x.meta
    ? ' (' + miles(x.usados) + ' de ' + plural(x.meta, 'día hábil', 'días hábiles') + ')'
    : ' (' + plural(x.usados - x.meta, 'día hábil', 'días hábiles') + ' de más)';
}

// A running or paused clock shows its days left; a concluded filing the days it used and
// whether it met the target; one out of the queue (archivado, trasladado, anulado) no clock.
function seccionSla(f, x) {
  const s = f.d.sla;
  const est = f.d.seguimiento.estado;
  const fuera = DESENLACES.includes(est);
  const concluido = est === 'concluido' || x.detenido;
  const filas = [['Días hábiles usados / meta', textoDias(x)]];
  if (fuera) {
    filas.push(['Plazo', 'Sin plazo: el radicado salió de la cola (' + etiqueta(ESTADOS, est).toLowerCase() + ').']);
  } else if (concluido) {
    filas.push(['Resultado', h('span', { id: 'resultado-meta' }, semaforo(x.estado), resultadoMeta(x))]);
    filas.push(['Fecha límite', fecha(x.fechaLimite)]);
  } else {
    filas.push(['Semáforo', semaforo(x.estado)], ['Fecha límite', fecha(x.fechaLimite)]);
    if (s) filas.push(['Días restantes', cifra(s.dias_restantes)]);
  }
  if (s) {
    filas.push(['Reloj', { corriendo: 'Corriendo', pausado: 'Pausado (en el área)', detenido: 'Detenido', sin_iniciar: 'Sin iniciar', no_aplica: 'No aplica' }[s.reloj] || s.reloj]);
  }
  const partes = [datos(filas)];
  if (s && Array.isArray(s.rondas) && s.rondas.length) {
    partes.push(tabla('Rondas de revisión', [{ titulo: 'Desde' }, { titulo: 'Hasta' }, { titulo: 'Terminó en' }, { titulo: 'Días', clase: 'cifra' }],
      s.rondas.map((r) => [fecha(r.inicio), r.fin ? fecha(r.fin) : 'en curso', r.termina ? etiqueta(GESTIONES, r.termina) : '', miles(r.dias)]), { clase: 'tabla compacta' }));
  }
  if (!s && !f.ind) partes.push(h('p', { class: 'tenue' }, 'El cálculo de días hábiles aún no está disponible en este servidor.'));
  return h('section', { class: 'panel', 'aria-labelledby': 'titulo-sla' }, h('h2', { id: 'titulo-sla' }, 'Plazo (días hábiles)'), partes);
}

function seccionHistorial(f) {
  const nom = nombres(f);
  const detalleGestion = (g) => {
    const partes = [];
    if (g.datos && (g.tipo === 'reparto') && g.datos.abogado_id) partes.push('A ' + (nom.get(String(g.datos.abogado_id)) || 'usuario ' + g.datos.abogado_id) + '. ');
    if (g.datos && g.tipo === 'reasignacion') partes.push('De ' + (nom.get(String(g.datos.de)) || '—') + ' a ' + (nom.get(String(g.datos.a)) || 'usuario ' + g.datos.a) + '. ');
    if (g.tipo === 'conclusion' && g.satisfactorio !== null && g.satisfactorio !== undefined) partes.push(g.satisfactorio ? 'Satisfactoria. ' : 'No satisfactoria. ');
    if (g.texto) partes.push(g.texto);
    return partes.join('') || '—';
  };
  const gest = [...f.d.gestiones].reverse().map((g) => [fechaHora(g.fecha), etiqueta(GESTIONES, g.tipo), g.usuario || 'Sistema', detalleGestion(g)]);
  const valorAud = (a, v) => (a.campo === 'abogado_id' && v ? (nom.get(String(v)) || 'usuario ' + v) : valorLegible(a.campo, v));
  const aud = [...f.d.auditoria].reverse().filter((a) => a.campo !== 'gestion').map((a) => [fechaHora(a.fecha), a.usuario || 'Sistema', etiqueta(CAMPOS, a.campo), valorAud(a, a.valor_anterior), valorAud(a, a.valor_nuevo)]);
  return h('section', { class: 'panel', 'aria-labelledby': 'titulo-historial' },
    h('h2', { id: 'titulo-historial' }, 'Historial'),
    tabla('Gestiones', [{ titulo: 'Fecha' }, { titulo: 'Gestión' }, { titulo: 'Por' }, { titulo: 'Detalle', clase: 'texto-libre' }], gest, { clase: 'tabla compacta', vacio: 'Sin gestiones todavía.' }),
    h('details', { class: 'auditoria' }, h('summary', {}, 'Auditoría de cambios (' + miles(aud.length) + ')'),
      tabla('Auditoría', [{ titulo: 'Fecha' }, { titulo: 'Usuario' }, { titulo: 'Campo' }, { titulo: 'Antes', clase: 'texto-libre' }, { titulo: 'Después', clase: 'texto-libre' }], aud, { clase: 'tabla compacta', vacio: 'Sin cambios registrados.', captionOculta: true })));
}

