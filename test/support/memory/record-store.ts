import { type RecordStore, recordStore } from '../../../shared/recording/ports.ts';
import type { CampaignCatalog } from '../../../shared/spend/ports.ts';
import { MemoryDeliveryLog } from './delivery-log.ts';
import { MemoryErasureStore } from './erasure-store.ts';
import { MemoryJournal } from './journal.ts';
import { MemoryLedger } from './ledger.ts';
import { MemoryCampaignCatalog } from './spend-store.ts';
import type { MemoryTable } from './table.ts';

export function memoryRecordStore(table: MemoryTable, campaigns: Pick<CampaignCatalog, 'rememberCampaigns'> = new MemoryCampaignCatalog(table)): RecordStore {
  return recordStore({ campaigns, journal: new MemoryJournal(table), ledger: new MemoryLedger(table), erasure: new MemoryErasureStore(table), deliveries: new MemoryDeliveryLog(table) });
}
