import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A request's deadline, carried through every await of its work without
 * being passed by hand: the HTTP edge starts one per request, and the
 * DynamoDB client and the retry policy read it, so a stalled store becomes
 * an answer (503) in bounded time instead of a hang.
 */
interface Deadline {
  at: number;
  signal: AbortSignal;
}

const current = new AsyncLocalStorage<Deadline>();

/** Runs `fn` with a deadline `budgetMs` from now (or keeps an earlier one already running). */
export function withDeadline<T>(budgetMs: number, fn: () => Promise<T>): Promise<T> {
  const at = Date.now() + budgetMs;
  const outer = current.getStore();
  if (outer && outer.at <= at) return fn();
  return current.run({ at, signal: AbortSignal.timeout(Math.max(0, budgetMs)) }, fn);
}

/** Milliseconds left before the current deadline; Infinity outside one (event consumers run to their own timeout). */
export function remainingMs(): number {
  const deadline = current.getStore();
  return deadline ? deadline.at - Date.now() : Infinity;
}

/** Aborts when the current deadline passes; undefined outside one. */
export function deadlineSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}
