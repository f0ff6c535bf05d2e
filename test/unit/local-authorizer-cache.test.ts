import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalServer } from '../../scripts/local/server.ts';
import { AUTHORIZER_CACHE_SECONDS } from '../../shared/auth/principal.ts';

const invoked: string[] = [];
const server = createLocalServer({
  loadHandler: async (name) => async () => {
    invoked.push(name);
    return name === 'authorizer' ? { isAuthorized: true, context: { tenantId: 't-1', scopes: 'admin' } } : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  },
  loadModule: async () => ({}),
});
const listening = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

afterAll(() => server.close());
afterEach(() => {
  invoked.length = 0;
  vi.useRealTimers();
});

const get = async (key?: string) => (await fetch(`${await listening}/v1/config`, key ? { headers: { authorization: `Bearer ${key}` } } : {})).status;

describe('the local server keeps the authorizer’s answers as API Gateway does', () => {
  it('asks the authorizer once per Authorization header within its time, and again after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T00:00:00Z') });
    expect([await get('key-a'), await get('key-a'), await get('key-b'), await get('key-a')]).toEqual([200, 200, 200, 200]);
    expect(invoked.filter((name) => name === 'authorizer')).toHaveLength(2);

    vi.setSystemTime(Date.now() + AUTHORIZER_CACHE_SECONDS * 1_000);
    await get('key-a');
    expect(invoked.filter((name) => name === 'authorizer')).toHaveLength(3);
    expect(invoked.filter((name) => name === 'get-config')).toHaveLength(5);
  });

  it('keeps an answer for its time from the authorizer’s answer, however often it is used meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T00:00:00Z') });
    await get('key-c');
    vi.setSystemTime(Date.now() + (AUTHORIZER_CACHE_SECONDS - 60) * 1_000);
    await get('key-c');
    vi.setSystemTime(Date.now() + 60 * 1_000);
    await get('key-c');
    expect(invoked.filter((name) => name === 'authorizer')).toHaveLength(2);
  });

  it('keeps no answer for a request without the header', async () => {
    await get();
    await get();
    expect(invoked.filter((name) => name === 'authorizer')).toHaveLength(2);
  });
});
