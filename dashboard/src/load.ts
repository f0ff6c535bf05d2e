import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.ts';

export type Load<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: Error };

/**
 * GETs `path` (null: nothing to load) with the session's key whenever it
 * changes; an answer that arrives after the path moved on is dropped. A 401
 * means the key went away (rotated out): `onUnauthorized` signs out.
 */
export function useApi<T>(path: string | null, key: string, onUnauthorized: () => void): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    getJson<T>(path, key, controller.signal).then(
      (data) => setState({ status: 'ok', data }),
      (error: Error) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
        setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [path, key, attempt]);
  return [state, useCallback(() => setAttempt((n) => n + 1), [])];
}

/** Several loads as one: loading until all are in, the first error otherwise. */
export function all<T extends unknown[]>(...loads: { [K in keyof T]: Load<T[K]> }): Load<T> {
  for (const load of loads) if (load.status === 'error') return load;
  if (loads.some((load) => load.status === 'loading')) return { status: 'loading' };
  return { status: 'ok', data: loads.map((load) => (load as { data: unknown }).data) as T };
}
