import { randomUUID } from 'node:crypto';
import type { Identifier } from '../../../identity/identity.ts';
import type { Contributions } from '../../../projection/cells.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';
import { pack, packed } from './packed.ts';

/**
 * `ROLLUP-DELTA` / `<person key>#<version>#<save>#<n>`: part n of what one
 * saved projection adds to the rollup cells, waiting to be added to them.
 * A projection writes its differences here, in its own transaction, instead
 * of adding to cells every projection of the tenant's day shares (so
 * projections of one busy day never contend); the applier
 * (`DynamoProjectionStore.applyRollupDeltas`) adds many deltas to their
 * cells at once and deletes them in the same transaction, so each is added
 * exactly once. All of a tenant's deltas share a partition: its stream
 * records reach one applier in order, and one Query finds them all.
 *
 * The save's own id makes each key new, so a delta waiting to be applied is
 * never overwritten by a later projection that reused its person key and
 * version (a merge or an erasure can make one start again at version 1).
 */
const ENTITY = 'rollup_delta' as const;

/** Cells in one delta item: a transaction holds them with room for others' (see the applier). */
export const MAX_CELLS_PER_DELTA = 40;
/** Measures one update adds to a cell: its expression stays well under DynamoDB's 4 KB. */
export const MAX_MEASURES_PER_CELL = 100;
/**
 * Measures in one delta item, over all its cells: a delta item weighs about
 * what one cell update did, so a projection's written-ahead steps (up to 98
 * operations each, `projection-store.ts`) stay well under DynamoDB's 400 KB.
 */
export const MAX_MEASURES_PER_DELTA = 100;

const DeltaItem = itemSchema(ENTITY, { cells: packed<Contributions>() });

const partition = (tenantId: string) => tenantKey(tenantId, 'ROLLUP-DELTA');

/** A delta as read back: its key (to delete it as it is applied) and its cells. */
export interface PendingDelta {
  key: Key;
  cells: Contributions;
}

/** `delta` cut into parts of at most MAX_CELLS_PER_DELTA cells and MAX_MEASURES_PER_DELTA measures in all. */
export function deltaParts(delta: Contributions): Contributions[] {
  const parts: Contributions[] = [];
  let current: Contributions = {};
  let cellCount = 0;
  let measures = 0;
  for (const [id, changes] of Object.entries(delta)) {
    const entries = Object.entries(changes);
    for (let start = 0; start < entries.length; start += MAX_MEASURES_PER_CELL) {
      const piece = entries.slice(start, start + MAX_MEASURES_PER_CELL);
      // A cell cut in several pieces puts each in a different part: a part holds a cell once.
      if (cellCount === MAX_CELLS_PER_DELTA || measures + piece.length > MAX_MEASURES_PER_DELTA || current[id]) {
        parts.push(current);
        current = {};
        cellCount = 0;
        measures = 0;
      }
      current[id] = Object.fromEntries(piece);
      cellCount += 1;
      measures += piece.length;
    }
  }
  if (cellCount > 0) parts.push(current);
  return parts;
}

export const rollupDeltaEntity = {
  name: ENTITY,
  partition,
  /** One item per part of `delta` (none when nothing changed), keyed new for this save. */
  toItems(tenantId: string, personKey: Identifier, version: number, delta: Contributions, saveId: string = randomUUID()) {
    return deltaParts(delta).map((cells, n) => ({
      pk: partition(tenantId),
      sk: `${personKey}#${version}#${saveId}#${n}`,
      ...stamp(ENTITY),
      cells: pack(cells),
    }));
  },
  fromItem(item: Item): PendingDelta {
    return { key: { pk: String(item.pk), sk: String(item.sk) }, cells: DeltaItem.parse(item).cells };
  },
};
