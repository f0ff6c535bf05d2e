import { config } from '../../config.ts';
import type { AttributionDeps } from '../../attribution/use-cases.ts';
import { DynamoAttributionStore } from './attribution-store.ts';
import { DynamoTimeline } from './timeline.ts';
import type { TransactionTimeline } from '../../exports/ports.ts';
import type { SpendStore } from '../../spend/ports.ts';
import { documentClient } from './client.ts';
import { DynamoRecordStore } from './record-store.ts';
import { DynamoSpendStore } from './spend-store.ts';
import { DynamoTenantStore } from './tenant-store.ts';

export interface Stores extends AttributionDeps {
  timeline: TransactionTimeline;
  spend: SpendStore;
}

let deps: Stores | undefined;

/** The stores every function uses, built once per module instance on the shared client. */
export function stores(): Stores {
  if (!deps) {
    const { TABLE_NAME } = config();
    const client = documentClient();
    deps = {
      records: new DynamoRecordStore(client, TABLE_NAME),
      tenants: new DynamoTenantStore(client, TABLE_NAME),
      attributions: new DynamoAttributionStore(client, TABLE_NAME),
      timeline: new DynamoTimeline(client, TABLE_NAME),
      spend: new DynamoSpendStore(client, TABLE_NAME),
    };
  }
  return deps;
}
