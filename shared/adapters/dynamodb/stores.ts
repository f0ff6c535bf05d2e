import { SQSClient } from '@aws-sdk/client-sqs';
import { config, perConfiguration } from '../../config.ts';
import type { TransactionTimeline } from '../../exports/ports.ts';
import type { FxRateStore } from '../../fx/ports.ts';
import type { JobDeps } from '../../jobs/recompute.ts';
import type { PeriodStore } from '../../periods/ports.ts';
import type { ErasureLog } from '../../privacy/erasure.ts';
import type { CampaignCatalog, SpendStore } from '../../spend/ports.ts';
import type { ChangeLog, ErasurePasses, ExportWatermarks } from '../../warehouse/ports.ts';
import type { QuarantineStore } from '../../webhooks/quarantine.ts';
import { InProcessTaskQueue, SqsTaskQueue } from '../queue/task-queue.ts';
import { DynamoCampaignCatalog } from './campaign-catalog.ts';
import { documentClient } from './client.ts';
import { DynamoErasureLog } from './erasure-log.ts';
import { DynamoFxRateStore } from './fx-rate-store.ts';
import { DynamoJobStore } from './job-store.ts';
import { DynamoPeriodStore } from './period-store.ts';
import { DynamoProjectionStore } from './projection-store.ts';
import { DynamoQuarantineStore } from './quarantine-store.ts';
import { dynamoRecordStore } from './record-store.ts';
import { DynamoSpendStore } from './spend-store.ts';
import { DynamoTenantStore } from './tenant-store.ts';
import { DynamoTimeline } from './timeline.ts';
import { DynamoWarehouseStore } from './warehouse-store.ts';

export interface Stores extends JobDeps {
  timeline: TransactionTimeline;
  spend: SpendStore;
  campaigns: CampaignCatalog;
  erasures: ErasureLog;
  quarantine: QuarantineStore;
  fxRates: FxRateStore;
  periods: PeriodStore;
  /** The warehouse export's change log, watermarks and erasure passes. */
  warehouse: ChangeLog & ExportWatermarks & ErasurePasses;
}

/** The stores every function uses, built once per module instance (per configuration) on the shared client. */
export const stores: () => Stores = perConfiguration((): Stores => {
  const { TABLE_NAME, RECOMPUTE_QUEUE_URL } = config();
  const client = documentClient();
  const campaigns = new DynamoCampaignCatalog(client, TABLE_NAME);
  return {
    records: dynamoRecordStore(client, TABLE_NAME, campaigns),
    campaigns,
    tenants: new DynamoTenantStore(client, TABLE_NAME),
    projections: new DynamoProjectionStore(client, TABLE_NAME),
    timeline: new DynamoTimeline(client, TABLE_NAME),
    spend: new DynamoSpendStore(client, TABLE_NAME),
    jobs: new DynamoJobStore(client, TABLE_NAME),
    erasures: new DynamoErasureLog(client, TABLE_NAME),
    quarantine: new DynamoQuarantineStore(client, TABLE_NAME),
    fxRates: new DynamoFxRateStore(client, TABLE_NAME),
    periods: new DynamoPeriodStore(client, TABLE_NAME),
    warehouse: new DynamoWarehouseStore(client, TABLE_NAME),
    queue: RECOMPUTE_QUEUE_URL ? new SqsTaskQueue(new SQSClient({}), RECOMPUTE_QUEUE_URL) : new InProcessTaskQueue('recompute'),
  };
});
