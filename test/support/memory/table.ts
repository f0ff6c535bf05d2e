import type { AttributionSummary } from '../../../shared/attribution/engine.ts';
import type { Identifier } from '../../../shared/identity/identity.ts';
import type { Job } from '../../../shared/jobs/recompute.ts';
import { NO_PERIODS, type PeriodsState } from '../../../shared/periods/periods.ts';
import type { PostedAdjustment } from '../../../shared/periods/ports.ts';
import type { ErasureLogEntry } from '../../../shared/privacy/erasure.ts';
import type { ListingEntry } from '../../../shared/projection/listings.ts';
import type { AttributionRecord, DroppedBatonView, StoredProjection } from '../../../shared/projection/ports.ts';
import type { Checkout, StoredSettlement, StoredTransaction, TransactionRef } from '../../../shared/recording/ports.ts';
import type { Link, Stage } from '../../../shared/recording/stages.ts';
import type { Touch } from '../../../shared/recording/touches.ts';
import type { CatalogCampaign } from '../../../shared/spend/catalog.ts';
import type { ImportedSpendLine, SpendImport, SpendMappings } from '../../../shared/spend/imported.ts';
import type { SpendEntry } from '../../../shared/spend/spend.ts';
import type { ApiKeyRecord, TenantRecord } from '../../../shared/tenants/ports.ts';
import type { QuarantinedDelivery } from '../../../shared/webhooks/quarantine.ts';

/** An item of a person's partition. */
export type PersonEntry =
  | { kind: 'touch'; touch: Touch }
  | { kind: 'stage'; stage: Stage }
  /** A link sits in both ends' partitions; `primary` in its `from` end's (the one its write-once guard is). */
  | { kind: 'link'; link: Link; primary: boolean }
  | { kind: 'tx_ref'; ref: TransactionRef }
  | { kind: 'tombstone'; erasure: { erasureId: string; erasedAt: string; heir: Identifier } };

export type LedgerTransaction = StoredTransaction & { aliases?: string[]; attributionSummary?: AttributionSummary };

/** One tenant's items, by what they are: the in-memory stores' single table. */
export class TenantItems {
  /** Each person partition's entries, by a key unique within it. */
  readonly people = new Map<Identifier, Map<string, PersonEntry>>();
  readonly touchGuards = new Map<string, string>();
  /** Who reached a funnel stage, by UTC day. */
  readonly activity = new Map<string, Set<Identifier>>();
  readonly transactions = new Map<string, LedgerTransaction>();
  readonly settlements = new Map<string, StoredSettlement>();
  readonly aliases = new Map<string, string>();
  readonly orderRefs = new Map<string, { transactionId: string; buyer: Identifier }>();
  readonly checkouts = new Map<string, Checkout>();
  readonly deliveries = new Map<string, string>();
  readonly projections = new Map<Identifier, StoredProjection>();
  readonly attributions = new Map<string, AttributionRecord>();
  /** Rollup cells by cell id (`cells.id`), their measures as DynamoDB's ADD leaves them (a measure moved back to 0 stays, at 0). */
  readonly rollups = new Map<string, Record<string, number>>();
  /** Saved projections' rollup deltas, waiting to be added to `rollups` (`applyRollupDeltas`). */
  readonly rollupDeltas: Array<Record<string, Record<string, number>>> = [];
  readonly dropped = new Map<string, DroppedBatonView>();
  /** Listing entries by their id (shared/projection/listings.ts's `entryId`). */
  readonly listings = new Map<string, ListingEntry>();
  readonly jobs = new Map<string, { job: Job; doneDays: Set<string>; doneTasks: Set<string> }>();
  readonly erasures: ErasureLogEntry[] = [];
  readonly spend = new Map<string, SpendEntry>();
  /** Imported spend lines by their key (`importedLineKey`). */
  readonly importedSpend = new Map<string, ImportedSpendLine>();
  readonly spendImports: SpendImport[] = [];
  spendMappings: SpendMappings | undefined;
  /** The campaign catalog by `catalogKey`. */
  readonly campaigns = new Map<string, CatalogCampaign>();
  periods: PeriodsState = NO_PERIODS;
  /** Adjustments by `<postedMonth>#<originalPeriod>#<adjustmentId>`. */
  readonly adjustments = new Map<string, PostedAdjustment>();

  partition(identifier: Identifier): Map<string, PersonEntry> {
    let partition = this.people.get(identifier);
    if (!partition) this.people.set(identifier, (partition = new Map()));
    return partition;
  }
}

/** Everything the in-memory stores keep: what each store sees of DynamoDB's one table. */
export class MemoryTable {
  private readonly byTenant = new Map<string, TenantItems>();
  readonly tenantRecords = new Map<string, TenantRecord>();
  readonly registry = new Set<string>();
  readonly apiKeys = new Map<string, ApiKeyRecord & { createdAt: string }>();
  readonly quarantine = new Map<string, QuarantinedDelivery>();

  of(tenantId: string): TenantItems {
    let items = this.byTenant.get(tenantId);
    if (!items) this.byTenant.set(tenantId, (items = new TenantItems()));
    return items;
  }
}

/** Stores hand out copies, as a database does: a caller that changes what it read changes nothing stored. */
export const copy = <T>(value: T): T => structuredClone(value);

/** The keys of entries in a person partition. */
export const entryKey = {
  touch: (touch: Pick<Touch, 'occurredAt' | 'touchId'>) => `touch ${touch.occurredAt} ${touch.touchId}`,
  stage: (stage: Pick<Stage, 'stageId'>) => `stage ${stage.stageId}`,
  link: (other: Identifier) => `link ${other}`,
  txRef: (ref: Pick<TransactionRef, 'occurredAt' | 'transactionId'>) => `tx ${ref.occurredAt} ${ref.transactionId}`,
  tombstone: 'erased',
};
