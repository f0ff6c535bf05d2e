import { generateWebhookSecret } from '../../../shared/auth/keys.ts';
import { ConflictError } from '../../../shared/errors.ts';
import type { AttributionConfig } from '../../../shared/tenants/attribution-config.ts';
import type { ApiKeyRecord, RecomputeAdvice, TenantRecord, TenantStore, WebhookSecret } from '../../../shared/tenants/ports.ts';
import type { WebhookProvider } from '../../../shared/tenants/tenant.ts';
import type { CalendarEntry } from '../../../shared/time/calendar.ts';
import { copy, type MemoryTable } from './table.ts';

/** Tenants and their keys in memory; a config is replaced only at the version read. */
export class MemoryTenantStore implements TenantStore {
  constructor(private readonly table: MemoryTable) {}

  async createTenant(tenant: TenantRecord, keys: ApiKeyRecord[]): Promise<void> {
    if (this.table.tenantRecords.has(tenant.tenantId) || keys.some((key) => this.table.apiKeys.has(key.keyHash))) throw new ConflictError(`Tenant ${tenant.tenantId} already exists.`);
    this.table.tenantRecords.set(tenant.tenantId, copy(tenant));
    this.table.registry.add(tenant.tenantId);
    for (const key of keys) this.table.apiKeys.set(key.keyHash, { ...key, createdAt: tenant.createdAt });
  }

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    return copy(this.table.tenantRecords.get(tenantId));
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const key = this.table.apiKeys.get(keyHash);
    return key && { keyHash, tenantId: key.tenantId, scope: key.scope, ...(key.validUntil ? { validUntil: key.validUntil } : {}) };
  }

  async rotateApiKey(tenantId: string, next: ApiKeyRecord & { createdAt: string }, previousHash: string | undefined, previousValidUntil: string): Promise<void> {
    const tenant = this.table.tenantRecords.get(tenantId);
    const previous = previousHash ? this.table.apiKeys.get(previousHash) : undefined;
    if (!tenant?.keys || this.table.apiKeys.has(next.keyHash) || (previousHash && previous?.tenantId !== tenantId)) throw new Error('The rotation’s conditions failed');
    this.table.apiKeys.set(next.keyHash, { ...next });
    tenant.keys[next.scope] = { keyHash: next.keyHash, createdAt: next.createdAt };
    if (previous) previous.validUntil = previousValidUntil;
  }

  async replaceConfig(tenantId: string, change: { config: AttributionConfig; calendar: CalendarEntry[]; recomputeAdvised?: RecomputeAdvice }, expectedVersion: number, at: string): Promise<boolean> {
    const tenant = this.table.tenantRecords.get(tenantId);
    if (tenant?.configVersion !== expectedVersion) return false;
    Object.assign(tenant, { config: copy(change.config), calendar: copy(change.calendar), configVersion: expectedVersion + 1, configUpdatedAt: at });
    if (change.recomputeAdvised) tenant.recomputeAdvised = copy(change.recomputeAdvised);
    return true;
  }

  async clearRecomputeAdvice(tenantId: string, startedAt: string): Promise<void> {
    const tenant = this.table.tenantRecords.get(tenantId);
    if (tenant?.recomputeAdvised && tenant.recomputeAdvised.since <= startedAt) delete tenant.recomputeAdvised;
  }

  async replaceWebhookSecret(tenantId: string, provider: WebhookProvider, secret: WebhookSecret): Promise<void> {
    const tenant = this.table.tenantRecords.get(tenantId);
    if (!tenant) throw new Error(`No tenant ${tenantId}`);
    tenant.webhookSecrets[provider] = { ...secret };
  }

  async addMissingCursorKey(tenantId: string): Promise<boolean> {
    const tenant = this.table.tenantRecords.get(tenantId);
    if (!tenant || tenant.cursorKey) return false;
    tenant.cursorKey = generateWebhookSecret();
    return true;
  }

  async addMissingRegistryEntry(tenant: TenantRecord): Promise<boolean> {
    if (this.table.registry.has(tenant.tenantId)) return false;
    this.table.registry.add(tenant.tenantId);
    return true;
  }

  async listTenantIds(): Promise<string[]> {
    return [...this.table.registry].sort();
  }
}
