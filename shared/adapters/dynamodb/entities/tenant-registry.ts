import * as z from 'zod';
import type { TenantRecord } from '../../../tenants/ports.ts';
import { type Item, type Key, stamp } from './entity.ts';

/** `TENANTS` / `<tenantId>`: the registry of tenants, one small item each (no secrets), so listing them is one query of keys. */
const ENTITY = 'tenant_entry' as const;
const PARTITION = 'TENANTS';

const SortKey = z.object({ sk: z.string() });

export const tenantRegistryEntity = {
  name: ENTITY,
  partition: PARTITION,
  key: (tenantId: string): Key => ({ pk: PARTITION, sk: tenantId }),
  toItem: (tenant: Pick<TenantRecord, 'tenantId' | 'createdAt'>) => ({ ...tenantRegistryEntity.key(tenant.tenantId), ...stamp(ENTITY), createdAt: tenant.createdAt }),
  /** The tenant an entry names, from its key (the listing reads keys only). */
  tenantIdOf: (item: Item): string => SortKey.parse(item).sk,
};
