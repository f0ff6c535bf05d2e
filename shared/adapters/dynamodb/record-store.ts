import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type RecordStore, recordStore } from '../../recording/ports.ts';
import type { CampaignCatalog } from '../../spend/ports.ts';
import { DynamoDeliveryLog } from './delivery-log.ts';
import { DynamoErasureStore } from './erasure-store.ts';
import { DynamoJournal } from './journal.ts';
import { DynamoLedger } from './ledger.ts';

/** The record store on the table: journal, ledger, erasure and delivery log, each its own adapter; touches tell `campaigns` what they name. */
export function dynamoRecordStore(client: DynamoDBDocumentClient, tableName: string, campaigns: Pick<CampaignCatalog, 'rememberCampaigns'>): RecordStore {
  return recordStore({
    campaigns,
    journal: new DynamoJournal(client, tableName),
    ledger: new DynamoLedger(client, tableName),
    erasure: new DynamoErasureStore(client, tableName),
    deliveries: new DynamoDeliveryLog(client, tableName),
  });
}
