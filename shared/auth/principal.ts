import type { ApiKeyRecord, TenantStore } from '../tenants/ports.ts';
import { bearerToken, hashApiKey } from './keys.ts';

/**
 * How long API Gateway keeps the authorizer's answer for one Authorization header (the stack's `resultsCacheTtl`),
 * and the local server as well: a rotated-out key works that much past its end.
 */
export const AUTHORIZER_CACHE_SECONDS = 300;

/** A key's tenant and scopes as strings (API Gateway's rule for authorizer context); empty for an unknown key. */
export interface AuthorizerContext {
  tenantId: string;
  /** Space-separated scopes of the key; empty for an unknown key. */
  scopes: string;
  /**
   * '1' when the authorizer could not reach the store: the route looks the
   * key up itself (and answers 503 if the store is still out of reach), so
   * a stalled store never becomes a 500 or a wrong 401.
   */
  deferred?: string;
}

/** Who an `Authorization: Bearer <key>` header names: looked up by the key's hash. */
export async function resolvePrincipal(store: TenantStore, authorization: string | undefined, now: Date = new Date()): Promise<AuthorizerContext> {
  const key = bearerToken(authorization);
  const record = key ? await findValidKey(store, key, now) : undefined;
  return record ? { tenantId: record.tenantId, scopes: record.scope } : { tenantId: '', scopes: '' };
}

/** The stored record of a key, unless unknown or rotated out past its overlap window. */
export async function findValidKey(store: Pick<TenantStore, 'findApiKey'>, key: string, now: Date = new Date()): Promise<ApiKeyRecord | undefined> {
  const record = await store.findApiKey(hashApiKey(key));
  return record && (!record.validUntil || Date.parse(record.validUntil) > now.getTime()) ? record : undefined;
}
