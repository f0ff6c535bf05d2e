import type * as z from 'zod';
import type { KeyViewSchema } from '../api/responses/tenants.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import type { Scope } from './scopes.ts';

/** What a key may see of its tenant: enough for a client (the dashboard) to choose its views and its days. */
export type KeyView = z.infer<typeof KeyViewSchema>;

/** The tenant and scope of the calling key, with the tenant's currency and current time zone. */
export async function describeKey(store: TenantStore, tenantId: string, scopes: readonly Scope[]): Promise<KeyView> {
  const tenant = await requireTenant(store, tenantId);
  const [scope] = scopes;
  if (!scope) throw new Error('describeKey needs the scope the key was let in with');
  return { tenantId, scope, currency: tenant.currency, timezone: tenant.config.timezone };
}
