// vistas.js -- «Mis vistas» in the bandeja: each user's named views (GET, POST /api/vistas,
// DELETE /api/vistas/{id}). A view is the query of the bandeja's address without its page;
// opening one sets the address and the bandeja's own restore draws it. Saving a name the user
// already has asks before replacing it; deleting asks too.

import { api } from './api.js';
import { h, campo, selector, marcarError, aviso, dialogo } from './dom.js';

export const NOMBRE_MAX = 60; // characters, as the API admits

// The query a view keeps of the bandeja's hash (#/bandeja?…): everything but the page.
export function consultaDeHash(hash) {
  const i = hash.indexOf('?');
  const p = new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
  p.delete('pagina');
  return p.toString();
}

// A modal question with two answers; resolves true for «si».
function preguntar(titulo, texto, si) {
  return new Promise((resolver) => {
    let respondida = false;
    const responder = (v) => { if (!respondida) { respondida = true; resolver(v); } };
    const dlg = dialogo(titulo, h('div', { class: 'cuerpo-dialogo' }, h('p', {}, texto)), [
      { texto: si, clase: 'primario', alPulsar: async () => { responder(true); return true; } },
      { texto: 'Cancelar', clase: 'secundario', alPulsar: async () => { responder(false); return true; } },
    ]);
    dlg.addEventListener('close', () => responder(false));
  });
}

// The user's views as the server sorts them; if they cannot be read again, local (the
// change itself was made).
async function releer(local) {
  try {
    return (await api('GET', '/api/vistas')).vistas;
  } catch (e) {
    return local;
  }
}

// The bar: the list of the user's views (vistas as GET /api/vistas gives them, or null when
// it could not be read) with «Abrir» and «Borrar», and «Guardar vista» for the current one.
export function barraVistas(vistasIniciales) {
  let vistas = Array.isArray(vistasIniciales) ? vistasIniciales.slice() : [];
  const actual = () => consultaDeHash(location.hash);
  const lista = campo('Mis vistas', h('select', { name: 'mis-vistas' }));
  const abrir = h('button', { type: 'button', class: 'secundario', 'data-accion': 'abrir-vista' }, 'Abrir');
  const borrar = h('button', { type: 'button', class: 'secundario', 'data-accion': 'borrar-vista' }, 'Borrar');
  const guardar = h('button', { type: 'button', class: 'secundario', 'data-accion': 'guardar-vista' }, 'Guardar vista');
  const elegida = () => vistas.find((v) => String(v.id) === lista.control.value) || null;

  const pintar = (id) => {
    const abierta = id !== undefined ? vistas.find((v) => v.id === id) : vistas.find((v) => v.consulta === actual());
    const nuevo = selector([['', vistas.length ? 'Elija una vista…' : 'Aún no tiene vistas guardadas'],
      ...vistas.map((v) => [String(v.id), v.nombre])], abierta ? String(abierta.id) : '', { name: 'mis-vistas' });
    lista.control.replaceChildren(...nuevo.children);
    lista.control.value = abierta ? String(abierta.id) : '';
    lista.control.disabled = vistas.length === 0;
    abrir.disabled = borrar.disabled = !elegida();
  };
  lista.control.addEventListener('change', () => { abrir.disabled = borrar.disabled = !elegida(); });

  abrir.addEventListener('click', () => {
    const v = elegida();
    if (!v) return;
    const hash = '#/bandeja?' + v.consulta;
    if (location.hash === hash) {
      aviso('La vista «' + v.nombre + '» ya está abierta.', 'info');
      return;
    }
    location.hash = hash; // app.js routes it; the bandeja reads its filters from the address
  });

  borrar.addEventListener('click', async () => {
    const v = elegida();
    if (!v) return;
    if (!await preguntar('¿Borrar la vista «' + v.nombre + '»?', 'La vista se borra de su lista; los radicados no cambian.', 'Borrar')) {
      borrar.focus();
      return;
    }
    try {
      await api('DELETE', '/api/vistas/' + encodeURIComponent(v.id));
    } catch (e) {
      aviso('No se borró la vista. ' + e.message, 'error');
      return;
    }
    vistas = await releer(vistas.filter((x) => x.id !== v.id));
    pintar();
    aviso('Vista «' + v.nombre + '» borrada.', 'ok');
    if (lista.control.disabled) guardar.focus();
    else lista.control.focus();
  });

  guardar.addEventListener('click', () => {
    const abierta = vistas.find((v) => v.consulta === actual());
    const nombre = campo('Nombre de la vista', h('input', { type: 'text', name: 'nombre-vista', maxlength: NOMBRE_MAX,
      autocomplete: 'off', value: abierta ? abierta.nombre : '' }), 'Hasta ' + NOMBRE_MAX + ' caracteres. Guarda los filtros y el orden actuales.');
    dialogo('Guardar vista', h('div', { class: 'cuerpo-dialogo' }, nombre.campo), [
      { texto: 'Guardar', clase: 'primario', alPulsar: async (dlg) => {
        const t = nombre.control.value.trim();
        if (!t) {
          marcarError(nombre.control, 'Escriba un nombre.');
          nombre.control.focus();
          return false;
        }
        marcarError(nombre.control, null);
        const existe = vistas.find((v) => v.nombre === t);
        if (existe && !await preguntar('¿Reemplazar la vista «' + t + '»?',
          'Ya tiene una vista con ese nombre: guardará en ella los filtros y el orden actuales.', 'Reemplazar')) {
          nombre.control.focus();
          return false;
        }
        let v;
        try {
          v = await api('POST', '/api/vistas', { nombre: t, consulta: actual() });
        } catch (e) {
          dlg.mostrarError(e.message);
          return false;
        }
        vistas = await releer(vistas.filter((x) => x.id !== v.id).concat([v]));
        pintar(v.id);
        aviso((existe ? 'Vista «' + v.nombre + '» reemplazada.' : 'Vista «' + v.nombre + '» guardada.'), 'ok');
        setTimeout(() => guardar.focus(), 0);
        return true;
      } },
      { texto: 'Cancelar', clase: 'secundario' },
    ]);
  });

  pintar();
  const partes = [lista.campo, h('div', { class: 'botones' }, abrir, borrar, guardar)];
  if (vistasIniciales === null) partes.push(h('p', { class: 'tenue' }, 'No se pudieron leer sus vistas guardadas.'));
  return h('section', { class: 'barra-vistas', 'aria-label': 'Vistas guardadas' }, partes);
}
