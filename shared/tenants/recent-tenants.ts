import { Recent } from '../runtime/recent.ts';
import type { TenantRecord, TenantStore } from './ports.ts';

/** How long a function instance answers webhooks from a tenant it read, before reading it again. */
export const RECENT_TENANT_MS = 60_000;

/**
 * The tenants a function instance read lately, for the webhook path: a delivery needs its tenant's
 * secrets and settings, and reading them for each delivery was a third of its DynamoDB requests.
 *
 * What a remembered tenant may be behind on, and why that is safe:
 * - a rotated webhook secret: the old one is accepted for a day after a rotation anyway, and a delivery
 *   the remembered secrets do not verify (signed with the new one) reads the tenant again before it is refused;
 * - a settings change (channel rules, retention, the default currency): deliveries follow it within
 *   `RECENT_TENANT_MS`, as the authorizer's cached answer follows a rotated-out API key (5 minutes).
 * An unknown tenant is not remembered: each delivery for it reads again.
 */
export class RecentTenants {
  private readonly read: Recent<TenantRecord>;

  constructor(
    private readonly store: Pick<TenantStore, 'getTenant'>,
    options: { maxAgeMs?: number; now?: () => number } = {},
  ) {
    this.read = new Recent(options.maxAgeMs ?? RECENT_TENANT_MS, options.now ? { now: options.now } : {});
  }

  /** The tenant, if `accept` takes it: as read lately, or read again when it is older than the bound or `accept` refuses it. */
  async get(tenantId: string, accept: (tenant: TenantRecord) => boolean): Promise<TenantRecord | undefined> {
    const remembered = this.read.get(tenantId);
    if (remembered && accept(remembered)) return remembered;
    const tenant = await this.store.getTenant(tenantId);
    if (!tenant) {
      this.read.delete(tenantId);
      return undefined;
    }
    this.read.set(tenantId, tenant);
    return accept(tenant) ? tenant : undefined;
  }
}
