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

/** Two GETs as one load: loading until both are in, the first error otherwise; retrying asks both again. */
export function useBoth<A, B>(paths: [string, string], key: string, onUnauthorized: () => void): [Load<[A, B]>, () => void] {
  const [first, retryFirst] = useApi<A>(paths[0], key, onUnauthorized);
  const [second, retrySecond] = useApi<B>(paths[1], key, onUnauthorized);
  const retry = useCallback(() => {
    retryFirst();
    retrySecond();
  }, [retryFirst, retrySecond]);
  if (first.status === 'error') return [first, retry];
  if (second.status === 'error') return [second, retry];
  if (first.status === 'loading' || second.status === 'loading') return [{ status: 'loading' }, retry];
  return [{ status: 'ok', data: [first.data, second.data] }, retry];
}
