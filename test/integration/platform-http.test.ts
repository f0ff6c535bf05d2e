import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let acme: CreatedTenant;
let globex: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  [acme, globex] = await Promise.all([newTenant({ timezone: 'Europe/Berlin' }), newTenant()]);
});
afterAll(() => api.close());

describe('the local HTTP API', () => {
  it('answers the health check with DynamoDB reachable', async () => {
    const response = await api.request('GET', '/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', dynamodb: 'ok' });
  });

  it('answers an unknown route with a 404 problem body', async () => {
    const response = await api.request('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('access', () => {
  it('refuses a request without a key with 401', async () => {
    const response = await api.request('GET', '/v1/config');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('refuses an unknown key with 401', async () => {
    const response = await api.request('GET', '/v1/config', { key: 'bk_admin_not-a-real-key' });
    expect(response.status).toBe(401);
  });

  it('refuses a key without the route’s scope with 403', async () => {
    for (const scope of ['ingest', 'marketing', 'finance'] as const) {
      const response = await api.request('GET', '/v1/config', { key: acme.keys[scope] });
      expect(response.status, scope).toBe(403);
      expect(response.body).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('takes the tenant from the key, so each tenant sees only its own config', async () => {
    const own = await api.request('GET', '/v1/config', { key: acme.keys.admin });
    const other = await api.request('GET', '/v1/config', { key: globex.keys.admin });
    expect(own.body.timezone).toBe('Europe/Berlin');
    expect(other.body.timezone).toBe('UTC');
  });
});

describe('bad input', () => {
  it('refuses a 1.2 MB body with 413 before parsing it', async () => {
    const body = JSON.stringify({ lookbackDays: 10, padding: 'x'.repeat(1_200_000) });
    const response = await api.request('PATCH', '/v1/config', { key: acme.keys.admin, body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('refuses malformed JSON with a 400 problem body', async () => {
    const response = await api.request('PATCH', '/v1/config', { key: acme.keys.admin, body: '{"lookbackDays": ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.body).toMatchObject({ error: { code: 'malformed_json', message: expect.any(String) } });
  });

  it('names the zod path of each invalid field', async () => {
    const response = await api.request('PATCH', '/v1/config', {
      key: acme.keys.admin,
      json: { lookbackDays: 0, positionBased: { first: 0.7, last: 0.5 }, surprise: true },
    });
    expect(response.status).toBe(400);
    const paths = response.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['lookbackDays', 'positionBased.last', 'surprise']));
  });
});

describe('tenant config', () => {
  it('changes only the fields a PATCH names and bumps the version', async () => {
    const before = await api.request('GET', '/v1/config', { key: globex.keys.admin });
    const patched = await api.request('PATCH', '/v1/config', { key: globex.keys.admin, json: { lookbackDays: 45, boundary: ['qualified'] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ lookbackDays: 45, boundary: ['qualified'], viewThroughHours: before.body.viewThroughHours });
    expect(patched.body.version).toBe(before.body.version + 1);
    expect(patched.body.recompute).toMatchObject({ advised: true, fields: ['lookbackDays', 'boundary'] });
    const after = await api.request('GET', '/v1/config', { key: globex.keys.admin });
    const { recompute: _advice, ...config } = patched.body;
    expect(after.body).toEqual(config);
  });

  it('keeps the old config when a change is out of bounds', async () => {
    const before = await api.request('GET', '/v1/config', { key: acme.keys.admin });
    const refused = await api.request('PATCH', '/v1/config', { key: acme.keys.admin, json: { lookbackDays: 91 } });
    expect(refused.status).toBe(400);
    const after = await api.request('GET', '/v1/config', { key: acme.keys.admin });
    expect(after.body).toEqual(before.body);
  });
});
