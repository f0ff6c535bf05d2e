import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { findValidKey } from './principal.ts';

/** How long a publishable key's tenant is remembered by a warm function: collection is hot, and a rotated-out key stops within this. */
export const PUBLISHABLE_CACHE_MS = 60_000;
const MAX_ENTRIES = 1_000;

const cache = new Map<string, { tenant: TenantRecord | undefined; until: number }>();

/**
 * The tenant a publishable key collects for, or undefined for an unknown,
 * rotated-out or other-scope key. Answers are remembered for a minute
 * (unknown keys too), so a page view costs no DynamoDB read on a warm
 * function.
 */
export async function publishableTenant(store: Pick<TenantStore, 'findApiKey' | 'getTenant'>, key: string, now: Date = new Date()): Promise<TenantRecord | undefined> {
  const cached = cache.get(key);
  if (cached && cached.until > now.getTime()) return cached.tenant;
  const record = await findValidKey(store, key, now);
  const tenant = record?.scope === 'publishable' ? await store.getTenant(record.tenantId) : undefined;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  const until = record?.validUntil ? Math.min(Date.parse(record.validUntil), now.getTime() + PUBLISHABLE_CACHE_MS) : now.getTime() + PUBLISHABLE_CACHE_MS;
  cache.set(key, { tenant, until });
  return tenant;
}

/** For tests: forget what was remembered. */
export function forgetPublishableKeys(): void {
  cache.clear();
}
