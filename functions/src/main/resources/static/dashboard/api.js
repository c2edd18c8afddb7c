// Calls the API on the same origin with the token kept for this tab only (sessionStorage).
const KEY = 'vm-routes-token';

let caller = null;

export const credentials = {
  token: () => sessionStorage.getItem(KEY),
  keep: (token) => { caller = null; sessionStorage.setItem(KEY, token); },
  forget: () => { caller = null; sessionStorage.removeItem(KEY); },
};

/**
 * The caller's scopes as the server sees them (GET caller), asked once per credential; null when the
 * server does not say, and then nothing is disabled: the API still refuses what the caller may not do.
 */
export function callerScopes() {
  if (!caller) caller = api(paths.caller()).then((c) => new Set(c.scopes), () => null);
  return caller;
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(status === 403 ? `Not allowed: ${detail}` : detail);
    this.status = status;
    this.detail = detail;
  }
}

let unauthorized = () => {};

/** What to do when the API answers 401: the page goes back to sign-in. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  const token = credentials.token();
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers: sent, cache: 'no-store', credentials: 'omit',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (!response.ok) {
    const detail = (data && data.detail) || `${response.status} ${response.statusText}`;
    const error = new ApiError(response.status, detail);
    if (response.status === 401) unauthorized(detail);
    throw error;
  }
  return data;
}

export const paths = {
  list: () => '/api/v1/vm/list',
  caller: () => '/api/v1/vm/caller',
  deploy: () => '/api/v1/vm/deploy',
  stop: () => '/api/v1/vm/stop',
  rollback: () => '/api/v1/vm/rollback',
  audit: (limit) => `/api/v1/vm/audit?limit=${limit}`,
  deployments: (agent, limit) => `/api/v1/vm/deployments?agent_name=${encodeURIComponent(agent)}&limit=${limit}`,
  deployment: (id) => `/api/v1/vm/deployments/${encodeURIComponent(id)}`,
  buildLog: (id, offset) => `/api/v1/vm/deployments/${encodeURIComponent(id)}/log?offset=${offset}`,
  stats: (container) => `/api/v1/vm/stats/${encodeURIComponent(container)}`,
  healthHistory: (agent, days) => `/api/v1/vm/health-history/${encodeURIComponent(agent)}?days=${days}`,
  logs: (container, query) => `/api/v1/vm/logs/${encodeURIComponent(container)}?${query}`,
};
