import type { TenantRecord, TenantStore } from './ports.ts';

/** How long a function instance answers webhooks from a tenant it read, before reading it again. */
export const RECENT_TENANT_MS = 60_000;
/** Tenants one function instance remembers at most (the oldest read goes first). */
const REMEMBERED = 1_000;

/**
 * The tenants a function instance read lately, for the webhook path: a delivery needs its tenant's
 * secrets and settings, and reading them for each delivery was a third of its DynamoDB requests.
 *
 * What a remembered tenant may be behind on, and why that is safe:
 * - a rotated webhook secret: the old one is accepted for a day after a rotation anyway, and a delivery
 *   the remembered secrets do not verify (signed with the new one) reads the tenant again before it is refused;
 * - a settings change (channel rules, retention, the default currency): deliveries follow it within
 *   `RECENT_TENANT_MS`, as the authorizer's cached key lookup follows a revoked key (5 minutes) on AWS.
 * An unknown tenant is not remembered: each delivery for it reads again.
 */
export class RecentTenants {
  private readonly read = new Map<string, { tenant: TenantRecord; at: number }>();

  constructor(
    private readonly store: Pick<TenantStore, 'getTenant'>,
    private readonly options: { maxAgeMs?: number; now?: () => number } = {},
  ) {}

  /** The tenant, if `accept` takes it: as read lately, or read again when it is older than the bound or `accept` refuses it. */
  async get(tenantId: string, accept: (tenant: TenantRecord) => boolean): Promise<TenantRecord | undefined> {
    const now = this.options.now?.() ?? Date.now();
    const remembered = this.read.get(tenantId);
    if (remembered && now - remembered.at < (this.options.maxAgeMs ?? RECENT_TENANT_MS) && accept(remembered.tenant)) return remembered.tenant;
    const tenant = await this.store.getTenant(tenantId);
    this.read.delete(tenantId);
    if (!tenant) return undefined;
    if (this.read.size >= REMEMBERED) this.read.delete(this.read.keys().next().value!);
    this.read.set(tenantId, { tenant, at: now });
    return accept(tenant) ? tenant : undefined;
  }
}
