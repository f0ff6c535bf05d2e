import { StoreUnavailableError } from '../errors.ts';
import { remainingMs } from './deadline.ts';

/**
 * Baton's one retry policy: optimistic writes that lost a race, contended
 * DynamoDB transactions and event publishing all wait the same way —
 * exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"), a bounded number of attempts, and never past the
 * current request's deadline.
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY_POLICY: RetryPolicy = { attempts: 8, baseDelayMs: 10, maxDelayMs: 1_000 };

/** Returned by a step that should run again after the policy's wait. */
export const TRY_AGAIN: unique symbol = Symbol('try again');

/** The store kept refusing or contending past the policy: the caller answers "busy, retry" (503 on HTTP). */
export class RetriesExhaustedError extends StoreUnavailableError {
  constructor(what: string, attempts: number, cause?: unknown) {
    super(`${what} did not succeed after ${attempts} attempts; retry shortly.`, 1, { cause });
  }
}

export interface RetryOptions {
  /** What is being tried, for the error when it never succeeds. */
  what: string;
  policy?: RetryPolicy;
  /** Errors thrown by the step that are worth another attempt (others propagate at once). */
  retryOn?: (error: unknown) => boolean;
  /** The error when no attempt succeeded (default: RetriesExhaustedError, a 503 on HTTP). */
  exhausted?: (lastError: unknown) => Error;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before attempt `attempt + 1` (full jitter). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

export async function retrying<T>(step: (attempt: number) => Promise<T | typeof TRY_AGAIN>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? RETRY_POLICY;
  let lastError: unknown;
  for (let attempt = 0; attempt < policy.attempts; attempt += 1) {
    if (attempt > 0) {
      const delay = backoffMs(policy, attempt - 1);
      if (delay >= remainingMs()) break;
      await (options.sleep ?? wait)(delay);
    }
    try {
      const outcome = await step(attempt);
      if (outcome !== TRY_AGAIN) return outcome;
      lastError = undefined;
    } catch (error) {
      if (!options.retryOn?.(error)) throw error;
      lastError = error;
    }
  }
  throw options.exhausted?.(lastError) ?? new RetriesExhaustedError(options.what, policy.attempts, lastError);
}
