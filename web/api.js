// The JSON API of docs/api.md: every action of the page is one of these requests.

export class ApiError extends Error {
  constructor(status, message, parameter = '', code = '') {
    super(message);
    this.status = status;
    this.parameter = parameter;
    this.code = code;
  }
}

// A query string with the separators the API uses left readable (`category=cs.CV,stat.ML`).
export function queryString(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text === '') continue;
    parts.push(`${key}=${encodeURIComponent(text).replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':')}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function request(path, { params = {}, method = 'GET', body = null, signal } = {}) {
  const init = { method, signal, headers: { Accept: 'application/json' } };
  if (body) {
    init.body = body;
    init.headers['Content-Type'] = body.type || 'application/octet-stream';
  }
  let response;
  try {
    response = await fetch(path + queryString(params), init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server cannot be reached. Is `imagemesh serve` still running?');
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    // Not JSON: only a broken proxy or server would answer so.
  }
  if (!response.ok || json === null) {
    const error = json && json.error;
    if (error) throw new ApiError(error.status || response.status, error.message || response.statusText, error.parameter || '', error.code || '');
    throw new ApiError(response.status, `${response.status} ${response.statusText}: the server did not answer with JSON`);
  }
  return json;
}

export const api = {
  info: (signal) => request('/api/info', { signal }),
  // An upload goes as the POST body; later pages re-send it (the server keeps nothing).
  images: (params, upload, signal) =>
    upload ? request('/api/images', { params, method: 'POST', body: upload, signal }) : request('/api/images', { params, signal }),
  facets: (params, signal) => request('/api/facets', { params, signal }),
  compare: (params, upload, signal) =>
    upload ? request('/api/compare', { params, method: 'POST', body: upload, signal }) : request('/api/compare', { params, signal }),
  image: (id, signal) => request(`/api/image/${encodeURIComponent(id)}`, { signal }),
};
