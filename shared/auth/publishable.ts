import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { findValidKey } from './principal.ts';

/**
 * The tenant a publishable key collects for, or undefined for an unknown,
 * rotated-out or other-scope key. Read on every request (the key, then its
 * tenant, both strongly consistent): `consentRequired`, `allowedOrigins` and
 * a key's revocation apply to the very next event, never a minute later.
 * Two small reads per collect request of up to 50 events (the collect
 * bench measures them).
 */
export async function publishableTenant(store: Pick<TenantStore, 'findApiKey' | 'getTenant'>, key: string, now: Date = new Date()): Promise<TenantRecord | undefined> {
  const record = await findValidKey(store, key, now);
  return record?.scope === 'publishable' ? store.getTenant(record.tenantId) : undefined;
}
