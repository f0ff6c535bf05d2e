import type { Period } from '../api/responses/common.ts';
import type { ConfigChange, ConfigView } from '../api/responses/tenants.ts';
import { generateApiKey, generateWebhookSecret, hashApiKey } from '../auth/keys.ts';
import { SCOPES, type Scope } from '../auth/scopes.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { canonicalJson } from '../recording/hash.ts';
import { ReportingCalendar } from '../time/calendar.ts';
import { issueDetails } from '../validation.ts';
import { type AttributionConfig, type AttributionConfigPatch, AttributionConfigSchema, CHANGE_EFFECTS, defaultAttributionConfig } from './attribution-config.ts';
import type { TenantRecord, TenantStore, WebhookSecret } from './ports.ts';
import { WEBHOOK_PROVIDERS, type WebhookProvider } from './tenant.ts';

export interface CreatedTenant {
  tenantId: string;
  keys: Record<Scope, string>;
  webhookSecrets: Record<WebhookProvider, string>;
}

/**
 * Creates a tenant with one key per scope and one webhook secret per
 * provider. The keys are returned once and only their hashes are stored.
 */
export async function createTenant(store: TenantStore, input: { tenantId: string; currency: string; timezone: string }, now: Date = new Date()): Promise<CreatedTenant> {
  const at = now.toISOString();
  const keys = Object.fromEntries(SCOPES.map((scope) => [scope, generateApiKey(scope)])) as Record<Scope, string>;
  const secrets = Object.fromEntries(WEBHOOK_PROVIDERS.map((provider) => [provider, generateWebhookSecret()])) as Record<WebhookProvider, string>;
  const record: TenantRecord = {
    ...input,
    createdAt: at,
    config: defaultAttributionConfig(input.timezone),
    configVersion: 1,
    configUpdatedAt: at,
    cursorKey: generateWebhookSecret(),
    calendar: [...ReportingCalendar.of(input.timezone).entries],
    keys: Object.fromEntries(SCOPES.map((scope) => [scope, { keyHash: hashApiKey(keys[scope]), createdAt: at }])),
    webhookSecrets: Object.fromEntries(WEBHOOK_PROVIDERS.map((provider) => [provider, { current: secrets[provider] }])) as Record<WebhookProvider, WebhookSecret>,
  };
  await store.createTenant(
    record,
    SCOPES.map((scope) => ({ keyHash: hashApiKey(keys[scope]), tenantId: input.tenantId, scope })),
  );
  return { tenantId: input.tenantId, keys, webhookSecrets: secrets };
}

/** How long a rotated-out webhook secret or API key is still accepted. */
export const SECRET_ROLLOVER_HOURS = 24;

/**
 * A new key for one scope, returned once (only its hash is stored). The
 * previous key keeps working for `overlapHours`, so callers can switch
 * without downtime; a tenant created before rotation existed has no record
 * of its previous key, which then keeps working until it is deleted by hand.
 */
export async function rotateApiKey(
  store: TenantStore,
  tenantId: string,
  scope: Scope,
  now: Date = new Date(),
  overlapHours = SECRET_ROLLOVER_HOURS,
): Promise<{ key: string; previousValidUntil: string | null }> {
  const tenant = await requireTenant(store, tenantId);
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > 24 * 30) throw new ValidationError('The overlap is 0 to 720 hours.', [{ path: 'overlapHours', message: 'out of range' }]);
  if (!tenant.keys) throw new ValidationError(`Tenant ${tenantId} was created before key rotation existed: it has no record of its keys to rotate.`, [{ path: 'tenantId', message: 'no key records' }]);
  const key = generateApiKey(scope);
  const previous = tenant.keys[scope]?.keyHash;
  const previousValidUntil = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
  await store.rotateApiKey(tenantId, { keyHash: hashApiKey(key), tenantId, scope, createdAt: now.toISOString() }, previous, previousValidUntil);
  return { key, previousValidUntil: previous ? previousValidUntil : null };
}

/**
 * A new secret for one provider (generated, or the one the provider issued:
 * Shopify and Stripe sign with secrets they choose); the old one stays valid
 * for the rollover period.
 */
export async function rotateWebhookSecret(store: TenantStore, tenantId: string, provider: WebhookProvider, now: Date = new Date(), given?: string): Promise<string> {
  const tenant = await requireTenant(store, tenantId);
  if (given !== undefined && given.trim().length < 8) throw new ValidationError('A webhook secret has at least 8 characters.', [{ path: 'secret', message: 'too short' }]);
  const current = given?.trim() ?? generateWebhookSecret();
  await store.replaceWebhookSecret(tenantId, provider, {
    current,
    previous: tenant.webhookSecrets[provider].current,
    previousValidUntil: new Date(now.getTime() + SECRET_ROLLOVER_HOURS * 3_600_000).toISOString(),
  });
  return current;
}

export async function requireTenant(store: TenantStore, tenantId: string): Promise<TenantRecord> {
  const tenant = await store.getTenant(tenantId);
  if (!tenant) throw new NotFoundError(`Tenant ${tenantId} does not exist.`);
  return tenant;
}

/** The tenant's reporting calendar: which zone each day is counted in. */
export function calendarOf(tenant: Pick<TenantRecord, 'calendar' | 'config'>): ReportingCalendar {
  return tenant.calendar?.length ? new ReportingCalendar(tenant.calendar) : ReportingCalendar.of(tenant.config.timezone);
}

function view(tenant: TenantRecord): ConfigView {
  // Parsing puts the fields in the schema's order (DynamoDB maps have none).
  return { ...AttributionConfigSchema.parse(tenant.config), version: tenant.configVersion, updatedAt: tenant.configUpdatedAt, calendar: calendarOf(tenant).entries };
}

/** Whether what is already counted moves: the fields that apply to later records only, and what to do about it. */
function adviceFor(before: AttributionConfig, after: AttributionConfig): ConfigChange['recompute'] {
  const changed = (Object.keys(CHANGE_EFFECTS) as Array<keyof AttributionConfig>).filter((field) => canonicalJson(before[field]) !== canonicalJson(after[field]));
  const fields = changed.filter((field) => CHANGE_EFFECTS[field] === 'recompute');
  const laterTouchesOnly = changed.filter((field) => CHANGE_EFFECTS[field] === 'later_touches');
  const message =
    fields.length > 0
      ? `${fields.join(', ')} apply to transactions recorded from now on; POST /v1/attribution/recompute re-attributes earlier periods under them.`
      : laterTouchesOnly.length > 0
        ? 'Channel rules and referrer exclusions apply to touches recorded from now on; touches already recorded keep their channel.'
        : 'Nothing already counted moves (a time zone change applies from the next day on; earlier days keep theirs).';
  return { advised: fields.length > 0, fields, laterTouchesOnly, message };
}

/**
 * What a view answers beside figures the projection computed, while
 * settings changed since then (`handoffSlaHours`, `lookbackDays`, …): the
 * figures are not all computed under the current settings until a
 * recompute started after the change has run. Nothing when they are.
 */
export function recomputeAdviceOf(tenant: Pick<TenantRecord, 'recomputeAdvised'>): Pick<Period, 'recompute'> {
  const advice = tenant.recomputeAdvised;
  if (!advice) return {};
  return {
    recompute: {
      advised: true,
      since: advice.since,
      fields: advice.fields,
      message: `${advice.fields.join(', ')} changed at ${advice.since}: figures counted before then were computed under the earlier settings. POST /v1/attribution/recompute over the period computes them under the current ones.`,
    },
  };
}

export async function getConfig(store: TenantStore, tenantId: string): Promise<ConfigView> {
  return view(await requireTenant(store, tenantId));
}

/**
 * Applies the named fields. The merged config is validated as a whole (so
 * cross-field rules hold), and written only if no other change landed in
 * between; a lost race is reported as a conflict rather than overwriting.
 */
export async function patchConfig(store: TenantStore, tenantId: string, patch: AttributionConfigPatch, now: Date = new Date()): Promise<ConfigChange> {
  const tenant = await requireTenant(store, tenantId);
  const merged = AttributionConfigSchema.safeParse({ ...tenant.config, ...patch });
  if (!merged.success) throw new ValidationError('The configuration would be invalid.', issueDetails(merged.error));
  const at = now.toISOString();
  const calendar = [...calendarOf(tenant).withTimezone(merged.data.timezone, now.getTime()).entries];
  const advice = adviceFor(tenant.config, merged.data);
  // What is counted already was computed under the old settings: answers say so until a recompute started after this has run.
  const recomputeAdvised = advice.advised ? { since: tenant.recomputeAdvised?.since ?? at, fields: [...new Set([...(tenant.recomputeAdvised?.fields ?? []), ...advice.fields])] } : undefined;
  const written = await store.replaceConfig(tenantId, { config: merged.data, calendar, ...(recomputeAdvised ? { recomputeAdvised } : {}) }, tenant.configVersion, at);
  if (!written) throw new ConflictError('The configuration changed meanwhile; read it again and retry.');
  return { ...view({ ...tenant, config: merged.data, calendar, configVersion: tenant.configVersion + 1, configUpdatedAt: at }), recompute: advice };
}

/** A tenant as `npm run tenant -- list` shows it: nothing secret, no key hashes. */
export interface TenantSummary {
  tenantId: string;
  currency: string;
  timezone: string;
  createdAt: string;
  retentionDays: number;
  /** When each scope's current key was made (rotate the old ones). */
  keysCreatedAt: Partial<Record<Scope, string>>;
}

export async function listTenants(store: TenantStore): Promise<TenantSummary[]> {
  const ids = await store.listTenantIds();
  const tenants = await Promise.all(ids.map((tenantId) => store.getTenant(tenantId)));
  return tenants
    .filter((tenant): tenant is TenantRecord => tenant !== undefined)
    .map((tenant) => ({
      tenantId: tenant.tenantId,
      currency: tenant.currency,
      timezone: calendarOf(tenant).timezone,
      createdAt: tenant.createdAt,
      retentionDays: tenant.config.retentionDays,
      keysCreatedAt: Object.fromEntries(Object.entries(tenant.keys ?? {}).map(([scope, key]) => [scope, key.createdAt])),
    }));
}
