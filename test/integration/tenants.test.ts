import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/auth/keys.ts';
import { ConflictError } from '../../shared/errors.ts';
import { createTenant, getConfig, patchConfig, rotateWebhookSecret } from '../../shared/tenants/use-cases.ts';
import { newTenant, tenantStore } from '../support/api.ts';

const root = join(import.meta.dirname, '..', '..');

describe('tenants in DynamoDB', () => {
  it('stores only hashes of the keys, one per scope', async () => {
    const created = await newTenant();
    const store = tenantStore();
    for (const [scope, key] of Object.entries(created.keys)) {
      const record = await store.findApiKey(hashApiKey(key));
      expect(record).toEqual({ keyHash: hashApiKey(key), tenantId: created.tenantId, scope });
      expect(await store.findApiKey(key)).toBeUndefined();
    }
  });

  it('refuses a second tenant with the same id, even ten at once, and keeps exactly one', async () => {
    const input = { tenantId: `dup-${Date.now()}`, currency: 'EUR', timezone: 'UTC' };
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => createTenant(tenantStore(), input)));
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof createTenant>>>).value;
    expect(await tenantStore().findApiKey(hashApiKey(winner.keys.admin))).toBeDefined();
  });

  it('lets only one of two concurrent config changes win; the other is a conflict, not a lost update', async () => {
    const { tenantId } = await newTenant();
    const store = tenantStore();
    const results = await Promise.allSettled([patchConfig(store, tenantId, { lookbackDays: 10 }), patchConfig(store, tenantId, { viewThroughHours: 1 })]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    const final = await getConfig(store, tenantId);
    expect(final.version).toBe(1 + fulfilled.length);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
  });

  it('rotates a webhook secret and keeps the previous one for the rollover period', async () => {
    const created = await newTenant();
    const fresh = await rotateWebhookSecret(tenantStore(), created.tenantId, 'shopify', new Date('2026-01-01T00:00:00Z'));
    const tenant = await tenantStore().getTenant(created.tenantId);
    expect(tenant?.webhookSecrets.shopify).toEqual({ current: fresh, previous: created.webhookSecrets.shopify, previousValidUntil: '2026-01-02T00:00:00.000Z' });
    expect(tenant?.webhookSecrets.stripe).toEqual({ current: created.webhookSecrets.stripe });
  });
});

describe('provider-issued webhook secrets', () => {
  it('sets the secret a provider issued and refuses one too short to be real', async () => {
    const created = await newTenant();
    await rotateWebhookSecret(tenantStore(), created.tenantId, 'stripe', new Date(), 'whsec_test_1234567890');
    expect((await tenantStore().getTenant(created.tenantId))?.webhookSecrets.stripe.current).toBe('whsec_test_1234567890');
    await expect(rotateWebhookSecret(tenantStore(), created.tenantId, 'stripe', new Date(), 'short')).rejects.toThrow(/8 characters/);
  });
});

describe('npm run tenant', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tenant.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });

  it('creates a tenant and prints the keys and webhook secrets as one JSON object', () => {
    const tenantId = `cli-${Date.now()}`;
    const result = run('create', tenantId, '--currency', 'JPY', '--timezone', 'Asia/Tokyo');
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(['keys', 'tenantId', 'webhookSecrets']);
    expect(printed.tenantId).toBe(tenantId);
    expect(Object.keys(printed.keys).sort()).toEqual(['admin', 'finance', 'ingest', 'marketing', 'publishable']);
    expect(printed.keys.publishable).toMatch(/^pk_[\w-]{43}$/);
    expect(Object.keys(printed.webhookSecrets).sort()).toEqual(['generic', 'shopify', 'stripe', 'woocommerce']);

    const again = run('create', tenantId);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  }, 60_000);

  it('explains bad arguments with exit code 2', () => {
    const result = run('create', 'Bad Id!', '--currency', 'XYZ');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Invalid tenant id/);
  }, 60_000);
});
