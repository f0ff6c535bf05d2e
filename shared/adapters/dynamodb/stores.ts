import { config } from '../../config.ts';
import type { AttributionDeps } from '../../attribution/use-cases.ts';
import { DynamoAttributionStore } from './attribution-store.ts';
import { documentClient } from './client.ts';
import { DynamoRecordStore } from './record-store.ts';
import { DynamoTenantStore } from './tenant-store.ts';

let deps: AttributionDeps | undefined;

/** The stores every function uses, built once per module instance on the shared client. */
export function stores(): AttributionDeps {
  if (!deps) {
    const { TABLE_NAME } = config();
    const client = documentClient();
    deps = {
      records: new DynamoRecordStore(client, TABLE_NAME),
      tenants: new DynamoTenantStore(client, TABLE_NAME),
      attributions: new DynamoAttributionStore(client, TABLE_NAME),
    };
  }
  return deps;
}
