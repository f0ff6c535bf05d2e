import * as z from 'zod';
import type { CellAddress, CellFamily } from '../../../projection/cells.ts';
import type { RollupCell } from '../../../projection/ports.ts';
import { ITEM_VERSION, type Item, type Key, tenantKey } from './entity.ts';

/**
 * `ROLLUP#<family>[#<slice>]` / `<day>#<part>`: a rollup cell, its measures as number
 * attributes added to with ADD (so many writers add to it at once). `pk`,
 * `sk`, `entity` and `v` are the item's: no measure is named so.
 */
const ENTITY = 'rollup' as const;

const CellKey = z.object({ sk: z.string(), entity: z.literal(ENTITY) });
const Measures = z.record(z.string(), z.number());

const partition = (tenantId: string, family: CellFamily, slice?: string) => tenantKey(tenantId, 'ROLLUP', ...(slice === undefined ? [family] : [family, slice]));

export const rollupCellEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, { family, slice, day, part }: CellAddress): Key => ({ pk: partition(tenantId, family, slice), sk: `${day}#${part}` }),
  /** The sort keys of the days `fromDay`..`toDay` (inclusive), every part. */
  days: (fromDay: string, toDay: string): { from: string; to: string } => ({ from: `${fromDay}#`, to: `${toDay}#~` }),
  /** An update adding `changes` to the cell's measures (creating it if absent). */
  toUpdate(tenantId: string, address: CellAddress, changes: ReadonlyArray<readonly [string, number]>) {
    const names: Record<string, string> = { '#entity': 'entity', '#v': 'v' };
    const values: Record<string, unknown> = { ':entity': ENTITY, ':version': ITEM_VERSION };
    const adds = changes.map(([name, change], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = change;
      return `#a${i} :v${i}`;
    });
    return {
      Key: rollupCellEntity.key(tenantId, address),
      UpdateExpression: `SET #entity = :entity, #v = :version ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  },
  /** The family and day a stored cell is of, from its keys alone (a stream image of any cell). */
  addressOf(item: Item): { family: string; day: string } {
    const { pk, sk } = z.object({ pk: z.string(), sk: z.string() }).parse(item);
    return { family: pk.split('#')[3] ?? '', day: sk.split('#')[0]! };
  },
  fromItem(item: Item): RollupCell {
    const { sk } = CellKey.parse(item);
    const { pk: _pk, sk: _sk, entity: _entity, v: _v, ...measures } = item;
    const [day, ...part] = sk.split('#');
    return { day: day!, part: part.join('#'), attributes: Measures.parse(measures) };
  },
};
