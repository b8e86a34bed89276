/**
 * The one way the web app talks to the API: JSON over fetch with the session token,
 * errors turned into ApiError carrying the api.md error code.
 */
const TOKEN_KEY = 'liandong.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let onUnauthorized: (() => void) | null = null;

/** Called when any request (other than login) answers 401: the session is gone. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function toApiError(res: Response): Promise<ApiError> {
  let code = res.status === 401 ? 'UNAUTHENTICATED' : 'HTTP_' + res.status;
  let message = res.statusText;
  let details: unknown;
  try {
    const body = await res.json();
    if (body?.error?.code) {
      code = body.error.code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (e.g. a proxy page): keep the status-derived code.
  }
  return new ApiError(res.status, code, message, details);
}

/**
 * `path` resolved against the app's own origin (`new URL`, as the browser resolves it), or null
 * when it leads anywhere else: `https://other/`, `HTTP://…`, `//host`, `http:/\\host`,
 * `javascript:`, `data:`… The session token goes to this origin only.
 */
export function sameOriginUrl(path: string, origin: string = window.location.origin): URL | null {
  let url: URL;
  try {
    url = new URL(path, origin);
  } catch {
    return null;
  }
  return url.origin === origin ? url : null;
}

/**
 * A request index.html's early script started before the app's code arrived (GET /me and the
 * first screen's list, with the token then stored), taken once: later calls fetch afresh.
 */
function takeEarly(url: URL, init: RequestInit, token: string | null): Promise<Response> | undefined {
  const early = (window as { __ldEarly?: { token: string; requests: Map<string, Promise<Response>> } }).__ldEarly;
  if (!early || (init.method ?? 'GET') !== 'GET' || init.headers || early.token !== token) return undefined;
  const key = url.pathname + url.search;
  const request = early.requests.get(key);
  early.requests.delete(key);
  return request;
}

export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const url = sameOriginUrl(path);
  if (!url) throw new ApiError(0, 'CROSS_ORIGIN', 'The API client sends requests to its own origin only');
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
  let res: Response;
  try {
    // What was checked is what is fetched; a redirect is not followed (it could lead elsewhere
    // with the header on), and the API answers none the app needs.
    const early = takeEarly(url, init, token);
    res = (early && (await early.catch(() => undefined))) || (await fetch(url.href, { ...init, headers, credentials: 'same-origin', redirect: 'manual' }));
  } catch (e) {
    throw new ApiError(0, 'NETWORK_ERROR', (e as Error).message);
  }
  if (res.type === 'opaqueredirect') throw new ApiError(0, 'CROSS_ORIGIN', 'The API answered with a redirect, which the client does not follow');
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && !path.endsWith('/auth/login')) {
      setToken(null);
      onUnauthorized?.();
    }
    throw err;
  }
  return res;
}

async function json<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const res = await apiFetch(withQuery(path, query), init);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => json<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => json<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => json<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => json<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => json<T>('DELETE', path),
  /** multipart upload (attachments). */
  upload: async <T>(path: string, form: FormData): Promise<T> => {
    const res = await apiFetch(path, { method: 'POST', body: form });
    return (await res.json()) as T;
  },
};

/** Lists come back as `{items}` (paged) — accept a bare array too, so a list endpoint's shape change does not blank a page. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    for (const k of ['items', 'data', 'results', 'units', 'users', 'categories', 'keys']) {
      if (Array.isArray(o[k])) return o[k] as T[];
    }
  }
  return [];
}
