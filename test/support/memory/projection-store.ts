import type { Identifier } from '../../../shared/identity/identity.ts';
import { type CellFamily, cells, sum } from '../../../shared/projection/cells.ts';
import { entryId, type Listed, PERSONAL_LISTINGS, parseEntryId } from '../../../shared/projection/listings.ts';
import type { AttributionRecord, DroppedBatonView, ListingPage, ListingQuery, ProjectionStore, ProjectionWrite, RollupCell, StoredProjection } from '../../../shared/projection/ports.ts';
import { adjustmentKey } from './period-store.ts';
import { copy, type MemoryTable } from './table.ts';

/** A dropped baton's place in the list: by the time it was qualified, then the person. */
const positionOf = (baton: Pick<DroppedBatonView, 'qualifiedAt'>, personKey: Identifier) => `${baton.qualifiedAt} ${personKey}`;

/**
 * Projections in memory, saved only over the version read (`stale`
 * otherwise, as DynamoDB's conditions answer), with their attributions and
 * dropped batons at once, and their rollup deltas pending until applied. A change is never too large
 * here, so nothing is ever left pending.
 */
export class MemoryProjectionStore implements ProjectionStore {
  constructor(private readonly table: MemoryTable) {}

  async getProjections(tenantId: string, keys: readonly Identifier[]): Promise<Map<Identifier, StoredProjection>> {
    const projections = this.table.of(tenantId).projections;
    return new Map(keys.flatMap((key) => (projections.has(key) ? [[key, copy(projections.get(key)!)] as const] : [])));
  }

  async finishPending(_tenantId: string, _personKey: Identifier): Promise<void> {}

  async save(tenantId: string, write: ProjectionWrite): Promise<'saved' | 'stale'> {
    const items = this.table.of(tenantId);
    const versionOf = (key: Identifier) => items.projections.get(key)?.version ?? 0;
    const stale =
      versionOf(write.projection.personKey) !== write.expectedVersion ||
      write.retired.some(({ personKey, expectedVersion }) => !items.projections.has(personKey) || versionOf(personKey) !== expectedVersion) ||
      // The summary rides on the transaction, updated only if it is there.
      write.attributions.some(({ transactionId }) => !items.transactions.has(transactionId)) ||
      (write.periods !== undefined &&
        ('openFrom' in write.periods ? items.periods.closedThrough !== null && items.periods.closedThrough >= write.periods.openFrom : write.periods.version !== items.periods.version));
    if (stale) return 'stale';
    items.projections.set(write.projection.personKey, { ...copy(write.projection), version: write.expectedVersion + 1 });
    for (const { personKey } of write.retired) items.projections.delete(personKey);
    for (const { summary, ...attribution } of write.attributions) {
      items.attributions.set(attribution.transactionId, copy(attribution));
      items.transactions.set(attribution.transactionId, { ...items.transactions.get(attribution.transactionId)!, attributionSummary: copy(summary) });
    }
    if (Object.keys(write.delta).length > 0) items.rollupDeltas.push(copy(write.delta));
    for (const adjustment of write.adjustments ?? []) items.adjustments.set(adjustmentKey(adjustment), copy(adjustment));
    for (const address of write.listings.remove) items.listings.delete(entryId(address));
    for (const entry of write.listings.put) items.listings.set(entryId(entry), copy(entry));
    for (const baton of write.dropped.remove) items.dropped.delete(positionOf(baton, baton.personKey));
    for (const baton of write.dropped.add) items.dropped.set(positionOf(baton, write.projection.personKey), { ...copy(baton), personKey: write.projection.personKey });
    return 'saved';
  }

  async applyRollupDeltas(tenantId: string): Promise<{ applied: number; writes: number; conflicts: number }> {
    const items = this.table.of(tenantId);
    const pending = items.rollupDeltas.splice(0);
    // Summed first, as the DynamoDB applier adds a chunk's deltas: a measure whose changes cancel out is not written.
    for (const [id, changes] of Object.entries(sum(...pending))) {
      const cell = items.rollups.get(id) ?? {};
      for (const [name, change] of Object.entries(changes)) cell[name] = (cell[name] ?? 0) + change;
      items.rollups.set(id, cell);
    }
    return { applied: pending.length, writes: pending.length > 0 ? 1 : 0, conflicts: 0 };
  }

  async handOver(tenantId: string, from: readonly StoredProjection[], to: Identifier): Promise<{ outcome: 'saved' | 'stale'; attributions: number; droppedBatons: number }> {
    if (from.length === 0) return { outcome: 'saved', attributions: 0, droppedBatons: 0 };
    const items = this.table.of(tenantId);
    if (items.projections.has(to) || from.some((projection) => items.projections.get(projection.personKey)?.version !== projection.version)) {
      return { outcome: 'stale', attributions: 0, droppedBatons: 0 };
    }
    const orders = Object.assign({}, ...from.map((projection) => projection.orders));
    const listed: Listed = Object.assign({}, ...from.map((projection) => projection.listed ?? {}));
    for (const id of Object.keys(listed)) {
      if (!PERSONAL_LISTINGS.has(parseEntryId(id).listing)) continue;
      delete listed[id];
      items.listings.delete(id);
    }
    for (const projection of from) items.projections.delete(projection.personKey);
    items.projections.set(to, {
      personKey: to,
      version: 1,
      identifiers: [to],
      orders,
      configs: Object.assign({}, ...from.map((projection) => projection.configs)),
      contributions: sum(...from.map((projection) => projection.contributions)),
      listed,
      dropped: [],
    });
    const transactionIds = Object.entries(orders as StoredProjection['orders']).flatMap(([orderId, order]) => [orderId, ...Object.keys(order.adjustments)]);
    for (const transactionId of transactionIds) items.attributions.delete(transactionId);
    const batons = from.flatMap((projection) => projection.dropped.map((baton) => positionOf(baton, projection.personKey)));
    for (const position of batons) items.dropped.delete(position);
    return { outcome: 'saved', attributions: transactionIds.length, droppedBatons: batons.length };
  }

  async getAttribution(tenantId: string, transactionId: string): Promise<AttributionRecord | undefined> {
    return copy(this.table.of(tenantId).attributions.get(transactionId));
  }

  async firstCountedDay(tenantId: string): Promise<string | undefined> {
    return [...this.table.of(tenantId).rollups.keys()]
      .map((id) => cells.parse(id))
      .filter((address) => address.family === 'totals')
      .map((address) => address.day)
      .sort()[0];
  }

  async rollupCells(tenantId: string, family: CellFamily, fromDay: string, toDay: string, slice?: string): Promise<RollupCell[]> {
    return [...this.table.of(tenantId).rollups]
      .map(([id, attributes]) => ({ ...cells.parse(id), attributes: { ...attributes } }))
      .filter((cell) => cell.family === family && cell.slice === slice && cell.day >= fromDay && cell.day <= toDay)
      .sort((a, b) => (a.day === b.day ? (a.part < b.part ? -1 : 1) : a.day < b.day ? -1 : 1))
      .map(({ day, part, attributes }) => ({ day, part, attributes }));
  }

  async listingPage(tenantId: string, query: ListingQuery, limit: number, before?: string): Promise<ListingPage<never>> {
    const lines = [...this.table.of(tenantId).listings.values()]
      .filter((entry) => entry.listing === query.listing && entry.groupBy === query.groupBy && entry.key === query.key)
      .filter((entry) => entry.position.slice(0, 10) >= query.from && entry.position.slice(0, 10) <= query.to && (before === undefined || entry.position < before))
      .sort((a, b) => (a.position < b.position ? 1 : -1));
    const page = lines.slice(0, limit);
    return { lines: page.map((entry) => copy(entry.line) as never), ...(lines.length > limit ? { next: page[page.length - 1]!.position } : {}) };
  }

  async droppedBatons(tenantId: string, range: { from: string; to: string; now: string }, limit: number, after?: string): Promise<{ batons: DroppedBatonView[]; next?: string }> {
    const listed = [...this.table.of(tenantId).dropped]
      .filter(([position, baton]) => baton.qualifiedAt >= range.from && baton.qualifiedAt < range.to && baton.deadline < range.now && (after === undefined || position > after))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const page = listed.slice(0, limit);
    return { batons: page.map(([, baton]) => copy(baton)), ...(listed.length > limit ? { next: page[page.length - 1]![0] } : {}) };
  }
}
