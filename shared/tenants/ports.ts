import type { Scope } from '../auth/scopes.ts';
import type { CalendarEntry } from '../time/calendar.ts';
import type { AttributionConfig } from './attribution-config.ts';
import type { Tenant, WebhookProvider } from './tenant.ts';

export interface WebhookSecret {
  current: string;
  /** Still accepted until `previousValidUntil` after a rotation. */
  previous?: string;
  previousValidUntil?: string;
}

export interface TenantRecord extends Tenant {
  config: AttributionConfig;
  /** Bumped by every config change; guards concurrent PATCHes. */
  configVersion: number;
  configUpdatedAt: string;
  webhookSecrets: Record<WebhookProvider, WebhookSecret>;
  /** Signs export cursors: a forged or another tenant's cursor fails the check. */
  cursorKey: string;
  /** Which time zone each reporting day is in (absent on tenants created before it: their config's zone throughout). */
  calendar?: CalendarEntry[];
  /** The current key of each scope, by hash: what a rotation retires (absent on tenants created before rotation). */
  keys?: Partial<Record<Scope, { keyHash: string; createdAt: string }>>;
  /** Settings changed since `since` that what is already counted was not computed under, until a recompute started after it finishes. */
  recomputeAdvised?: RecomputeAdvice;
}

export interface RecomputeAdvice {
  since: string;
  fields: string[];
}

export interface ApiKeyRecord {
  keyHash: string;
  tenantId: string;
  scope: Scope;
  /** A rotated-out key is accepted until then (the overlap window). */
  validUntil?: string;
}

/** Where tenants and their keys live (DynamoDB on AWS and locally). */
export interface TenantStore {
  /** Stores the tenant and its key hashes at once; ConflictError if the id is taken. */
  createTenant(tenant: TenantRecord, keys: ApiKeyRecord[]): Promise<void>;
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Replaces the config (and the calendar with it) if its version is still `expectedVersion`; false otherwise. */
  replaceConfig(tenantId: string, change: { config: AttributionConfig; calendar: CalendarEntry[]; recomputeAdvised?: RecomputeAdvice }, expectedVersion: number, at: string): Promise<boolean>;
  /** A recompute that started at `startedAt` finished: the advice goes if it was given before then. */
  clearRecomputeAdvice(tenantId: string, startedAt: string): Promise<void>;
  replaceWebhookSecret(tenantId: string, provider: WebhookProvider, secret: WebhookSecret): Promise<void>;
  /** A one-off migration: a cursor key for a tenant created before export cursors were signed; false if it had one. */
  addMissingCursorKey(tenantId: string): Promise<boolean>;
  /** Puts the tenant in the registry `listTenants` reads (new tenants are put there at creation); false when it was there. */
  addMissingRegistryEntry(tenant: TenantRecord): Promise<boolean>;
  /** The ids of every tenant in the registry, in order. */
  listTenantIds(): Promise<string[]>;
  /** Stores `next` as the scope's key and lets the previous one (if known) work until `previousValidUntil`, at once. */
  rotateApiKey(tenantId: string, next: ApiKeyRecord & { createdAt: string }, previousHash: string | undefined, previousValidUntil: string): Promise<void>;
}
