import * as z from 'zod';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `CLOSED#<month>#v<version>` / `<key>`: one line of a closed month's
 * export, as it was when the month closed (`line`, JSON, never changed
 * again), in the export's order (`key`: the timeline's position, or
 * `<month start>!adj#<n>` for the adjustments posted in the month, which
 * open it). `booked` says what later closings booked for its transaction
 * (each a closing `<month>#v<version>` and the line it booked, null for
 * none); an item without `line` only carries that, for a transaction that
 * arrived after its month closed.
 */
const ENTITY = 'closedLine' as const;

const BookingSchema = z.object({ in: z.string(), line: z.string().nullable() });

const ClosedLineItem = itemSchema(ENTITY, { key: z.string(), line: z.string().optional(), booked: z.array(BookingSchema).optional() });

const partition = (tenantId: string, month: string, version: number) => tenantKey(tenantId, 'CLOSED', month, `v${version}`);

export interface ClosedLineRecord {
  key: string;
  line?: string;
  booked: Array<{ in: string; line: string | null }>;
}

export const closedLineEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, month: string, version: number, key: string): Key => ({ pk: partition(tenantId, month, version), sk: key }),
  toItem: (tenantId: string, month: string, version: number, key: string, line: string) => ({ ...closedLineEntity.key(tenantId, month, version, key), ...stamp(ENTITY), key, line }),
  fromItem(item: Item): ClosedLineRecord {
    const { key, line, booked } = ClosedLineItem.parse(item);
    return { key, ...(line === undefined ? {} : { line }), booked: booked ?? [] };
  },
};
