// The HTTP API client: JSON in and out, refusals as ApiError (the server's code and its
// Vietnamese and English messages), and a redirect to the login page when the session is gone.

import { both, pick } from './i18n.js';
import { loginAddress, navigate } from './router.js';
import { wipeDevice } from './offline/store.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message_en || body.message || `HTTP ${status}`);
    this.status = status;
    this.error = body.error || `http_${status}`;
    this.message_vi = body.message_vi || body.message || this.message;
    this.message_en = body.message_en || body.message || this.message;
  }
}

// A refusal in the reader's language.
export function errorText(err) {
  if (!err) return '';
  if (err.message_vi || err.message_en) return pick(err.message_vi, err.message_en);
  return String(err.message || err);
}

function networkError() {
  const { vi, en } = both('error.network');
  return new ApiError(0, { error: 'network', message_vi: vi, message_en: en });
}

// The session is gone (expired, logged out elsewhere, the account deactivated): what the
// device kept of its meetings goes with it.
function goLogin() {
  wipeDevice().catch(() => {});
  navigate(loginAddress(), { replace: true });
}

async function parse(response) {
  const type = response.headers.get('content-type') || '';
  if (type.includes('application/json')) return response.json();
  const text = await response.text();
  return { message: text.slice(0, 300) };
}

export async function api(method, path, body, { authRedirect = true } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw networkError();
  }
  const data = await parse(response);
  if (response.ok) return data;
  if (response.status === 401 && authRedirect) goLogin();
  throw new ApiError(response.status, data);
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

// A multipart upload with progress: onProgress(fraction, bytes sent, bytes in all) (fetch
// cannot report upload progress); `headers` go with it (e.g. Prefer: respond-async).
export function upload(path, form, onProgress, headers = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'text';
    xhr.setRequestHeader('Accept', 'application/json');
    Object.entries(headers).forEach(([name, value]) => xhr.setRequestHeader(name, value));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total, e.loaded, e.total);
    };
    xhr.onerror = () => reject(networkError());
    xhr.onload = () => {
      let data;
      try {
        data = JSON.parse(xhr.responseText || '{}');
      } catch {
        data = { message: xhr.responseText.slice(0, 300) };
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
      if (xhr.status === 401) goLogin();
      reject(new ApiError(xhr.status, data));
    };
    xhr.send(form);
  });
}
