import { describe, expect, it } from 'vitest';
import { makeAuthorizer } from '../../functions/authorizer.ts';
import { bearerToken, generateApiKey, hashApiKey } from '../../shared/auth/keys.ts';
import type { ApiKeyRecord, TenantStore } from '../../shared/tenants/ports.ts';

function storeWith(records: ApiKeyRecord[]): TenantStore {
  const byHash = new Map(records.map((record) => [record.keyHash, record]));
  return {
    findApiKey: async (hash: string) => byHash.get(hash),
  } as unknown as TenantStore;
}

describe('API keys', () => {
  it('carry their scope and 256 random bits, and are stored only as a SHA-256 hash', () => {
    const key = generateApiKey('finance');
    expect(key).toMatch(/^bk_finance_[A-Za-z0-9_-]{43}$/);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(11));
    expect(generateApiKey('finance')).not.toBe(key);
  });

  it('are read from a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('the authorizer', () => {
  const key = generateApiKey('marketing');
  const authorize = makeAuthorizer(storeWith([{ keyHash: hashApiKey(key), tenantId: 'acme', scope: 'marketing' }]));

  it('hands a known key’s tenant and scope to the route', async () => {
    await expect(authorize({ headers: { authorization: `Bearer ${key}` } })).resolves.toEqual({
      isAuthorized: true,
      context: { tenantId: 'acme', scopes: 'marketing' },
    });
  });

  it('hands an empty principal for an unknown or missing key, for the route to answer 401', async () => {
    for (const headers of [{ authorization: 'Bearer bk_marketing_unknown' }, {}, { authorization: key }]) {
      await expect(authorize({ headers })).resolves.toEqual({ isAuthorized: true, context: { tenantId: '', scopes: '' } });
    }
  });
});
