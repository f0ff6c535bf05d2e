import type { AttributionResult, AttributionSummary } from '../attribution/engine.ts';
import type { Identifier } from '../identity/identity.ts';
import type { PostedAdjustment } from '../periods/ports.ts';
import type { AttributionConfig } from '../tenants/attribution-config.ts';
import type { CellFamily, Contributions } from './cells.ts';
import type { CustomerLine, Listed, ListingAddress, ListingEntry, OrderLine, PersonLine } from './listings.ts';
import type { DroppedBaton } from './person.ts';

/** What the store keeps of a transaction's attribution within its person's projection. */
export interface StoredAttributionRef {
  /** Bumped whenever its result changes (shown as the attribution's `version`). */
  version: number;
  resultHash: string;
  /** The config it is attributed under (a key of `StoredProjection.configs`); adjustments follow their order's. */
  configHash?: string;
}

/**
 * A person's last projection, kept under their canonical identifier (the
 * smallest of their linked ids): what it added to the rollups, and enough
 * of each attribution to tell what changed.
 */
export interface StoredProjection {
  personKey: Identifier;
  /** Bumped by every change: a projection is saved only over the version it read. */
  version: number;
  identifiers: Identifier[];
  orders: Record<string, StoredAttributionRef & { adjustments: Record<string, StoredAttributionRef> }>;
  configs: Record<string, AttributionConfig>;
  contributions: Contributions;
  /** The listing entries it wrote (absent in projections saved before listings existed). */
  listed?: Listed;
  dropped: DroppedBaton[];
  /** Steps of a change too large for one transaction still to be applied (see the store). */
  pending?: boolean;
}

/** One transaction's attribution as readers see it. */
export interface AttributionRecord {
  transactionId: string;
  personKey: Identifier;
  result: AttributionResult;
  version: number;
}

export interface ProjectionWrite {
  /** The projection after the change; saved at `expectedVersion + 1`. */
  projection: Omit<StoredProjection, 'version' | 'pending'>;
  expectedVersion: number;
  /** Projections of ids merged into this person, each at the version read: they are removed. */
  retired: Array<{ personKey: Identifier; expectedVersion: number }>;
  /** Attributions whose result changed, with the summary the export shows (orders and adjustments). */
  attributions: Array<AttributionRecord & { summary: AttributionSummary }>;
  /** What moves in the rollups: the new contributions less the old. */
  delta: Contributions;
  /** Listing entries to write (new or changed) and to remove. */
  listings: { put: ListingEntry[]; remove: ListingAddress[] };
  dropped: { add: Array<DroppedBaton & { identifiers: Identifier[] }>; remove: Array<DroppedBaton & { personKey: Identifier }> };
  /**
   * The tenant's periods (docs/contract.md#closing-a-month): as read (`version`, the save holds only if no month was
   * closed or reopened since), or not read (`openFrom`, the save holds only if no month from it on is closed).
   */
  periods?: { version: number } | { openFrom: string };
  /** Changes of closed months posted in the first open month (their cells are in `delta` at the posting day). */
  adjustments?: PostedAdjustment[];
}

export interface RollupCell {
  day: string;
  part: string;
  attributes: Record<string, number>;
}

export interface DroppedBatonView extends DroppedBaton {
  personKey: Identifier;
  identifiers: Identifier[];
}

/** A page of a listing, newest first, and the position to continue before when more follow. */
export interface ListingPage<L> {
  lines: L[];
  next?: string;
}

/** Which listing to read: a row's orders or a funnel row's people, over positions `[from, to]`. */
export type ListingQuery = Pick<ListingAddress, 'listing' | 'groupBy' | 'key'> & { from: string; to: string };

/** Where projections, attributions and rollups are kept. */
export interface ProjectionStore {
  /** The stored projections of any of these ids (at most one per id). */
  getProjections(tenantId: string, keys: readonly Identifier[]): Promise<Map<Identifier, StoredProjection>>;
  /** Applies what a large change left pending, so the person can be projected again. */
  finishPending(tenantId: string, personKey: Identifier): Promise<void>;
  /**
   * Saves a projection if the stored one is still at `expectedVersion` (and
   * each retired one at its own), with every attribution and its rollup
   * delta, exactly once: `stale` when another writer got there first. The
   * delta is kept pending, in items of this save's own, until
   * `applyRollupDeltas` adds it to the cells.
   */
  save(tenantId: string, write: ProjectionWrite): Promise<'saved' | 'stale'>;
  /**
   * Adds every pending rollup delta of the tenant to its cells, each exactly
   * once however many appliers run at once (the stream's applier, a month's
   * close): how many it applied, in how many writes, and how many of its
   * writes lost to another.
   */
  applyRollupDeltas(tenantId: string): Promise<{ applied: number; writes: number; conflicts: number }>;
  getAttribution(tenantId: string, transactionId: string): Promise<AttributionRecord | undefined>;
  /**
   * An erased person's projections become one projection of `to` (their
   * anonymous successor): what they added to the rollups stays, their ids and
   * dropped batons go, and so do their transactions' attributions (the
   * journeys in them were the person's). `stale` when one changed meanwhile.
   */
  handOver(tenantId: string, from: readonly StoredProjection[], to: Identifier): Promise<{ outcome: 'saved' | 'stale'; attributions: number; droppedBatons: number }>;
  /** The cells of one family over the days `fromDay`..`toDay` (inclusive): one query, whatever the number of people. */
  /** The cells of a family (of one slice of it, for a sliced family) over the days `fromDay`..`toDay`: one range read. */
  rollupCells(tenantId: string, family: CellFamily, fromDay: string, toDay: string, slice?: string): Promise<RollupCell[]>;
  /** The earliest day any transaction was counted on (the first totals cell); undefined before any. One query of one item. */
  firstCountedDay(tenantId: string): Promise<string | undefined>;
  /** A page of a listing, newest first, before `before` (a position a page gave): one query, whatever the tenant's size. */
  listingPage(tenantId: string, query: ListingQuery & { listing: 'orders' }, limit: number, before?: string): Promise<ListingPage<OrderLine>>;
  listingPage(tenantId: string, query: ListingQuery & { listing: 'people' }, limit: number, before?: string): Promise<ListingPage<PersonLine>>;
  listingPage(tenantId: string, query: ListingQuery & { listing: 'customers' }, limit: number, before?: string): Promise<ListingPage<CustomerLine>>;
  /** Dropped batons qualified in `[from, to)` whose deadline is before `now`, oldest first, after `after` (a position). */
  droppedBatons(tenantId: string, range: { from: string; to: string; now: string }, limit: number, after?: string): Promise<{ batons: DroppedBatonView[]; next?: string }>;
}
