import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.ts';
import { merged } from './listing.ts';

export type Load<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: Error };

/**
 * GETs `path` (null: nothing to load) with the session's key whenever it
 * changes; an answer that arrives after the path moved on is dropped. A 401
 * means the key went away (rotated out): `onUnauthorized` signs out.
 * What was loaded for another path or key is never given for this one: the
 * render after a change (a new month in the address, say) is already
 * loading, rather than the last figures under the new choice.
 */
export function useApi<T>(path: string | null, key: string, onUnauthorized: () => void): [Load<T>, () => void] {
  const wanted = path === null ? null : `${key} ${path}`;
  const [state, setState] = useState<{ of: string | null; load: Load<T> }>({ of: null, load: { status: 'loading' } });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState({ of: wanted, load: { status: 'loading' } });
    getJson<T>(path, key, controller.signal).then(
      (data) => setState({ of: wanted, load: { status: 'ok', data } }),
      (error: Error) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
        setState({ of: wanted, load: { status: 'error', error } });
      },
    );
    return () => controller.abort();
  }, [path, key, attempt]);
  return [state.of === wanted ? state.load : { status: 'loading' }, useCallback(() => setAttempt((n) => n + 1), [])];
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

/** A GET and, when `second` is a path, another beside it (null: the first alone): loading until what is asked is in, the first error otherwise. */
export function useAlongside<A, B>(first: string, second: string | null, key: string, onUnauthorized: () => void): [Load<[A, B | undefined]>, () => void] {
  const [one, retryOne] = useApi<A>(first, key, onUnauthorized);
  const [other, retryOther] = useApi<B>(second, key, onUnauthorized);
  const asked = second !== null;
  const retry = useCallback(() => {
    retryOne();
    if (asked) retryOther();
  }, [retryOne, retryOther, asked]);
  if (one.status === 'error') return [one, retry];
  if (asked && other.status === 'error') return [other, retry];
  if (one.status === 'loading' || (asked && other.status === 'loading')) return [{ status: 'loading' }, retry];
  return [{ status: 'ok', data: [one.data, asked && other.status === 'ok' ? other.data : undefined] }, retry];
}

/** One paged listing of a merged list: what it has given so far and where it goes on. */
interface Source<I> {
  items: I[];
  cursor: string | undefined;
}

export interface Pages<I> {
  load: Load<I[]>;
  /** More pages to ask for. */
  more: boolean;
  /** Asking for them, or what went wrong doing so. */
  moreState: 'idle' | 'loading' | Error;
  loadMore: () => void;
  retry: () => void;
}

const withCursor = (path: string, cursor: string) => `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

/**
 * One or more paged listings (`nextCursor`) read as one list, newest first
 * (each listing is newest first; `at` gives an item's instant). While a
 * listing has more pages, only the items at least as new as its last one
 * are shown, so nothing appears out of order when the next page arrives.
 */
export function usePages<A extends { nextCursor?: string | undefined }, I>(
  paths: string[] | null,
  itemsOf: (answer: A) => I[],
  at: (item: I) => string,
  key: string,
  onUnauthorized: () => void,
): Pages<I> {
  const [sources, setSources] = useState<Load<Source<I>[]>>({ status: 'loading' });
  const [moreState, setMoreState] = useState<'idle' | 'loading' | Error>('idle');
  const [attempt, setAttempt] = useState(0);
  const joined = paths?.join('\n') ?? null;
  useEffect(() => {
    if (paths === null) return;
    const controller = new AbortController();
    setSources({ status: 'loading' });
    setMoreState('idle');
    Promise.all(paths.map((path) => getJson<A>(path, key, controller.signal))).then(
      (answers) => setSources({ status: 'ok', data: answers.map((answer) => ({ items: itemsOf(answer), cursor: answer.nextCursor })) }),
      (error: Error) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
        setSources({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [joined, key, attempt]);

  const loadMore = useCallback(async () => {
    if (sources.status !== 'ok' || paths === null) return;
    setMoreState('loading');
    try {
      const next = await Promise.all(
        sources.data.map(async (source, index) => {
          if (!source.cursor) return source;
          const answer = await getJson<A>(withCursor(paths[index]!, source.cursor), key);
          return { items: [...source.items, ...itemsOf(answer)], cursor: answer.nextCursor };
        }),
      );
      setSources({ status: 'ok', data: next });
      setMoreState('idle');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      setMoreState(error instanceof Error ? error : new ApiError(0, 'error', String(error)));
    }
  }, [sources, joined, key]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  if (sources.status !== 'ok') return { load: sources, more: false, moreState, loadMore, retry };
  return { load: { status: 'ok', data: merged(sources.data, at) }, more: sources.data.some((source) => source.cursor !== undefined), moreState, loadMore, retry };
}
