import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await TestApi.start();
});

afterAll(async () => {
  await api?.close();
});

describe('GET /v1/me: who a key is, for the dashboard', () => {
  it('answers the tenant, the key’s scope, the currency and the time zone for each scope that reads or writes', async () => {
    const tenant = await newTenant({ currency: 'EUR', timezone: 'Europe/Berlin' });
    for (const scope of ['ingest', 'marketing', 'finance', 'admin'] as const) {
      const answer = await api.request('GET', '/v1/me', { key: tenant.keys[scope] });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toEqual({ tenantId: tenant.tenantId, scope, currency: 'EUR', timezone: 'Europe/Berlin' });
    }
  });

  it('follows a time zone change', async () => {
    const tenant = await newTenant({ timezone: 'UTC' });
    expect((await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { timezone: 'Asia/Tokyo' } })).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { key: tenant.keys.marketing })).body).toMatchObject({ timezone: 'Asia/Tokyo' });
  });

  it('refuses a missing or unknown key, and the publishable key (it reads nothing)', async () => {
    const tenant = await newTenant();
    expect((await api.request('GET', '/v1/me')).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { key: 'bk_marketing_unknown' })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { key: tenant.keys.publishable })).status).toBe(403);
  });
});
