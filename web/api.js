// api.js -- talking to segcont's JSON API: the token lives in sessionStorage (never in the
// URL), every call sends it as a Bearer header, errors become ApiError with the server's
// Spanish message.

const CLAVE = 'segcont.token';

export function token() {
  return sessionStorage.getItem(CLAVE);
}

export function guardarToken(t) {
  sessionStorage.setItem(CLAVE, t);
}

export function olvidarToken() {
  sessionStorage.removeItem(CLAVE);
}

const MENSAJES = {
  0: 'No hay conexión con el servidor de seguimiento. Revise la red e intente de nuevo.',
  400: 'La solicitud no es válida.',
  401: 'Su sesión no es válida: ingrese de nuevo con su token.',
  403: 'Su rol no permite esta operación.',
  404: 'No se encontró lo solicitado.',
  409: 'Otra persona cambió este radicado mientras usted lo editaba.',
  413: 'El contenido enviado es demasiado grande.',
  422: 'Los datos no son válidos para esta operación.',
  500: 'Error interno del servidor; avise al administrador.',
  503: 'El servidor está ocupado o degradado; intente en un momento.',
};

export class ApiError extends Error {
  constructor(estado, codigo, mensaje, cuerpo) {
    super(mensaje);
    this.estado = estado;
    this.codigo = codigo;
    this.cuerpo = cuerpo;
  }
  // A route that this server does not have yet (answers 404 with codigo no_encontrado).
  get rutaAusente() {
    return this.estado === 404 && (this.codigo === 'no_encontrado' || this.codigo === 'http_404');
  }
}

let alExpirar = null;
// fn() is called when the server says the token is no longer valid (401).
export function alExpirarSesion(fn) {
  alExpirar = fn;
}

// Tells the page that the server refused the tab's token (401): what a call made with it
// does on its own, for an answer taken later (arranque.js).
export function expirarSesion(err) {
  if (alExpirar) alExpirar(err);
}

async function llamar(metodo, ruta, cuerpo, tokenExplicito) {
  const headers = { Accept: 'application/json' };
  const t = tokenExplicito || token();
  if (t) headers.Authorization = 'Bearer ' + t;
  const init = { method: metodo, headers, cache: 'no-store', credentials: 'omit' };
  if (cuerpo !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(cuerpo);
  }
  let res;
  try {
    res = await fetch(ruta, init);
  } catch (e) {
    throw new ApiError(0, 'sin_conexion', MENSAJES[0], null);
  }
  return res;
}

function errorDe(res, datos) {
  const e = (datos && datos.error) || {};
  return new ApiError(res.status, e.codigo || 'http_' + res.status,
    e.mensaje ? capital(e.mensaje) : (MENSAJES[res.status] || 'Error ' + res.status + '.'), datos);
}

function capital(t) {
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// Calls the API and returns the parsed JSON (or null for an empty body); throws ApiError.
export async function api(metodo, ruta, cuerpo, tokenExplicito) {
  const res = await llamar(metodo, ruta, cuerpo, tokenExplicito);
  const texto = await res.text();
  let datos = null;
  if (texto) {
    try {
      datos = JSON.parse(texto);
    } catch (e) {
      datos = null;
    }
  }
  if (!res.ok) {
    const err = errorDe(res, datos);
    if (res.status === 401 && !tokenExplicito) expirarSesion(err);
    throw err;
  }
  return datos;
}

// Downloads a file (export) with the token and hands it to the browser under its name.
export async function descargar(ruta, nombrePorDefecto) {
  const res = await llamar('GET', ruta);
  if (!res.ok) {
    let datos = null;
    try {
      datos = JSON.parse(await res.text());
    } catch (e) {
      datos = null;
    }
    throw errorDe(res, datos);
  }
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="?([^";]+)"?/.exec(cd);
  const nombre = m ? m[1] : nombrePorDefecto;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = nombre;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return { nombre, bytes: blob.size };
}

// Builds "ruta?k=v&..." leaving out empty values.
export function conParametros(ruta, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  }
  const t = q.toString();
  return t ? ruta + '?' + t : ruta;
}
