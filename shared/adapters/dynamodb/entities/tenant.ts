import * as z from 'zod';
import { SCOPES } from '../../../auth/scopes.ts';
import { AttributionConfigSchema, defaultAttributionConfig } from '../../../tenants/attribution-config.ts';
import type { TenantRecord } from '../../../tenants/ports.ts';
import { WEBHOOK_PROVIDERS } from '../../../tenants/tenant.ts';
import { type Item, itemSchema, type Key, stamp } from './entity.ts';

/** `TENANT#<tenantId>` / `TENANT`: a tenant, its config, secrets and the hashes of its current keys. */
const ENTITY = 'tenant' as const;

const SecretSchema = z.object({ current: z.string(), previous: z.string().optional(), previousValidUntil: z.string().optional() });

const TenantItem = itemSchema(ENTITY, {
  tenantId: z.string(),
  currency: z.string(),
  timezone: z.string(),
  createdAt: z.string(),
  /** Tenants created before a config field existed read its default (reads never write). */
  config: AttributionConfigSchema.partial(),
  configVersion: z.number(),
  configUpdatedAt: z.string(),
  webhookSecrets: z.record(z.enum(WEBHOOK_PROVIDERS), SecretSchema),
  /** Absent on tenants created before export cursors were signed (until `npm run tenant -- migrate`): read as none. */
  cursorKey: z.string().default(''),
  calendar: z.array(z.object({ timezone: z.string(), from: z.string() })).optional(),
  keys: z.partialRecord(z.enum(SCOPES), z.object({ keyHash: z.string(), createdAt: z.string() })).optional(),
  recomputeAdvised: z.object({ since: z.string(), fields: z.array(z.string()) }).optional(),
});

export const tenantEntity = {
  name: ENTITY,
  key: (tenantId: string): Key => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  toItem: (tenant: TenantRecord) => ({ ...tenantEntity.key(tenant.tenantId), ...stamp(ENTITY), ...tenant }),
  fromItem(item: Item): TenantRecord {
    const { entity: _entity, v: _v, config, ...tenant } = TenantItem.parse(item);
    return { ...tenant, config: { ...defaultAttributionConfig(config.timezone ?? tenant.timezone), ...config } };
  },
};
