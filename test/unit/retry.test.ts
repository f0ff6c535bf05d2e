import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../shared/errors.ts';
import { withDeadline } from '../../shared/runtime/deadline.ts';
import { backoffMs, RETRY_POLICY, retrying, TRY_AGAIN } from '../../shared/runtime/retry.ts';

const noWait = async () => undefined;

describe('the retry policy', () => {
  it('runs a step again while it asks to, and returns its answer', async () => {
    let calls = 0;
    const answer = await retrying(async () => (++calls < 3 ? TRY_AGAIN : 'done'), { what: 'x', sleep: noWait });
    expect(answer).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the policy’s attempts with a 503-shaped error naming what was tried', async () => {
    let calls = 0;
    const attempt = retrying(
      async () => {
        calls++;
        return TRY_AGAIN;
      },
      { what: 'Recording o-1', sleep: noWait },
    );
    await expect(attempt).rejects.toThrow(StoreUnavailableError);
    await expect(attempt).rejects.toThrow(/Recording o-1 did not succeed after 8 attempts/);
    expect(calls).toBe(RETRY_POLICY.attempts);
  });

  it('retries only the errors it is told to', async () => {
    let calls = 0;
    await expect(
      retrying(
        async () => {
          calls += 1;
          throw new TypeError('bug');
        },
        { what: 'x', sleep: noWait, retryOn: (error) => !(error instanceof TypeError) },
      ),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('waits with full jitter: between 0 and the capped exponential', () => {
    expect(backoffMs(RETRY_POLICY, 0, () => 0.999)).toBeLessThan(RETRY_POLICY.baseDelayMs);
    expect(backoffMs(RETRY_POLICY, 20, () => 0.999)).toBeLessThan(RETRY_POLICY.maxDelayMs);
    expect(backoffMs(RETRY_POLICY, 5, () => 0)).toBe(0);
  });

  it('never sleeps past the request’s deadline', async () => {
    const started = Date.now();
    const attempt = withDeadline(50, () => retrying(async () => TRY_AGAIN, { what: 'x', policy: { attempts: 100, baseDelayMs: 40, maxDelayMs: 40 } }));
    await expect(attempt).rejects.toThrow(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
