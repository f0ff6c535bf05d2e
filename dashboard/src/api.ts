/**
 * Calls to Baton's API on the dashboard's own origin. The key goes in the
 * Authorization header only: never in a URL, so it never reaches a log,
 * a history entry or a Referer.
 */

/** One thing wrong with a request, as a problem body's `details` name it: a field (`path`), or a line of an uploaded file (`line`, 0 for the file as a whole). */
export interface ProblemDetail {
  path?: string;
  line?: number;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The problem body's `details`, when it lists them (a 400's fields, a 422's bad lines). */
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
  }
}

function detailsOf(value: unknown): ProblemDetail[] {
  if (!Array.isArray(value)) return [];
  return value.filter((detail): detail is ProblemDetail => typeof detail === 'object' && detail !== null && typeof (detail as ProblemDetail).message === 'string');
}

async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.message) return new ApiError(response.status, body.error.code ?? 'error', body.error.message, detailsOf(body.error.details));
  } catch {
    // not a problem body: said plainly below
  }
  return new ApiError(response.status, 'http_error', `Baton answered ${response.status} ${response.statusText}`.trim());
}

/** What a request sends besides the key: a method and a body with its headers (GET when absent; no body for an action that takes none). */
interface Sending {
  method: 'POST' | 'PUT';
  body?: BodyInit;
  headers: Record<string, string>;
}

async function call(path: string, key: string, signal?: AbortSignal, sending?: Sending): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: sending?.method ?? 'GET',
      headers: { ...sending?.headers, authorization: `Bearer ${key}`, accept: 'application/json' },
      cache: 'no-store',
      ...(sending?.body !== undefined ? { body: sending.body } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'Baton cannot be reached. Is it running?');
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

export async function getJson<T>(path: string, key: string, signal?: AbortSignal): Promise<T> {
  return (await call(path, key, signal)).json() as Promise<T>;
}

/** A JSON body sent (`PUT /v1/spend/mappings`), the JSON answer read. */
export async function sendJson<T>(method: 'POST' | 'PUT', path: string, key: string, body: unknown): Promise<T> {
  return (await call(path, key, undefined, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json() as Promise<T>;
}

/** An action without a body (`POST /v1/periods/{month}/close`), the JSON answer read. */
export async function post<T>(path: string, key: string): Promise<T> {
  return (await call(path, key, undefined, { method: 'POST', headers: {} })).json() as Promise<T>;
}

/** A file's bytes sent as they are (`POST /v1/spend/imports`), gzip-compressed when `gzip`; the JSON answer read. */
export async function sendFile<T>(path: string, key: string, bytes: ArrayBuffer, gzip: boolean): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
  return (await call(path, key, undefined, { method: 'POST', body: bytes, headers })).json() as Promise<T>;
}

/** A file answer (the CSV export), as a Blob with the name the server gave it. */
export async function getFile(path: string, key: string, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  const response = await call(path, key);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  return { blob: await response.blob(), filename };
}

/** `?a=1&b=2` from the defined values. */
export function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
