import type { TenantStore } from '../tenants/ports.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import type { Scope } from './scopes.ts';

/** What a key may see of its tenant: enough for a client (the dashboard) to choose its views and its days. */
export interface KeyView {
  tenantId: string;
  /** A key has one scope; what it may read follows from it. */
  scope: Scope;
  /** The tenant's reporting currency. */
  currency: string;
  /** The zone today's reporting days are counted in. */
  timezone: string;
}

/** The tenant and scope of the calling key, with the tenant's currency and current time zone. */
export async function describeKey(store: TenantStore, tenantId: string, scopes: readonly Scope[]): Promise<KeyView> {
  const tenant = await requireTenant(store, tenantId);
  const [scope] = scopes;
  if (!scope) throw new Error('describeKey needs the scope the key was let in with');
  return { tenantId, scope, currency: tenant.currency, timezone: tenant.config.timezone };
}
