import { config } from '../../config.ts';
import type { RecordingDeps } from '../../recording/use-cases.ts';
import { documentClient } from './client.ts';
import { DynamoRecordStore } from './record-store.ts';
import { DynamoTenantStore } from './tenant-store.ts';

let deps: RecordingDeps | undefined;

/** The stores every function uses, built once per module instance on the shared client. */
export function stores(): RecordingDeps {
  if (!deps) {
    const { TABLE_NAME } = config();
    const client = documentClient();
    deps = { records: new DynamoRecordStore(client, TABLE_NAME), tenants: new DynamoTenantStore(client, TABLE_NAME) };
  }
  return deps;
}
