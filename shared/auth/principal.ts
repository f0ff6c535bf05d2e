import type { TenantStore } from '../tenants/ports.ts';
import { bearerToken, hashApiKey } from './keys.ts';

/** A key's tenant and scopes as strings (API Gateway's rule for authorizer context); empty for an unknown key. */
export interface AuthorizerContext {
  tenantId: string;
  /** Space-separated scopes of the key; empty for an unknown key. */
  scopes: string;
}

/** Who an `Authorization: Bearer <key>` header names: looked up by the key's hash. */
export async function resolvePrincipal(store: TenantStore, authorization: string | undefined): Promise<AuthorizerContext> {
  const key = bearerToken(authorization);
  const record = key ? await store.findApiKey(hashApiKey(key)) : undefined;
  return record ? { tenantId: record.tenantId, scopes: record.scope } : { tenantId: '', scopes: '' };
}
