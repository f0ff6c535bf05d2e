import type { Stores } from '../../../shared/adapters/dynamodb/stores.ts';
import { MemoryErasureLog } from './erasure-log.ts';
import { MemoryFxRateStore } from './fx-rate-store.ts';
import { MemoryJobStore, MemoryTaskQueue } from './job-store.ts';
import { MemoryPeriodStore } from './period-store.ts';
import { MemoryProjectionStore } from './projection-store.ts';
import { MemoryQuarantineStore } from './quarantine-store.ts';
import { memoryRecordStore } from './record-store.ts';
import { MemoryCampaignCatalog, MemorySpendStore } from './spend-store.ts';
import { MemoryTable } from './table.ts';
import { MemoryTenantStore } from './tenant-store.ts';
import { MemoryTimeline } from './timeline.ts';
import { MemoryWarehouseStore } from './warehouse-store.ts';

export interface MemoryStores extends Stores {
  /** What the stores keep, for a test to look at or arrange. */
  table: MemoryTable;
  queue: MemoryTaskQueue;
}

/** Every store of `stores()` in memory, over one shared table, as DynamoDB's stores share theirs. */
export function memoryStores(table: MemoryTable = new MemoryTable()): MemoryStores {
  const campaigns = new MemoryCampaignCatalog(table);
  return {
    table,
    records: memoryRecordStore(table, campaigns),
    campaigns,
    tenants: new MemoryTenantStore(table),
    projections: new MemoryProjectionStore(table),
    timeline: new MemoryTimeline(table),
    spend: new MemorySpendStore(table),
    jobs: new MemoryJobStore(table),
    erasures: new MemoryErasureLog(table),
    quarantine: new MemoryQuarantineStore(table),
    fxRates: new MemoryFxRateStore(table),
    periods: new MemoryPeriodStore(table),
    warehouse: new MemoryWarehouseStore(),
    queue: new MemoryTaskQueue(),
  };
}
