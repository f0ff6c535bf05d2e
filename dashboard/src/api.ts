/**
 * Calls to Baton's API on the dashboard's own origin. The key goes in the
 * Authorization header only: never in a URL, so it never reaches a log,
 * a history entry or a Referer.
 */

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(response.status, body.error.code ?? 'error', body.error.message);
  } catch {
    // not a problem body: said plainly below
  }
  return new ApiError(response.status, 'http_error', `Baton answered ${response.status} ${response.statusText}`.trim());
}

async function call(path: string, key: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' }, cache: 'no-store', ...(signal ? { signal } : {}) });
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
