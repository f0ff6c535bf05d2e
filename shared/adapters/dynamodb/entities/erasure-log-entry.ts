import * as z from 'zod';
import type { ErasureLogEntry } from '../../../privacy/erasure.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/** `ERASURES` / `<erasedAt>#<erasureId>`: the tenant's erasure log, newest last, kept for good (it holds no personal data). */
const ENTITY = 'erasure' as const;

const Count = z.number();
const EntryItem = itemSchema(ENTITY, {
  erasureId: z.string(),
  erasedAt: z.string(),
  identifiers: z.array(z.string()),
  erased: z.object({ touches: Count, stages: Count, links: Count, transactions: Count, checkouts: Count, attributions: Count, projections: Count, droppedBatons: Count }),
  warehouse: z.object({ rewrittenAt: z.string(), files: Count }).optional(),
});

const partition = (tenantId: string) => tenantKey(tenantId, 'ERASURES');
const SortKey = z.object({ sk: z.string() });

export const erasureLogEntryEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, entry: Pick<ErasureLogEntry, 'erasedAt' | 'erasureId'>): Key => ({ pk: partition(tenantId), sk: erasureLogEntryEntity.position(entry) }),
  /** A listing's cursor: the last key it read, opaque to clients. */
  cursorOf: (lastKey: Item): string => Buffer.from(SortKey.parse(lastKey).sk, 'utf8').toString('base64url'),
  /** Where an entry stands in the log (its sort key): what a reader continues after. */
  position: (entry: Pick<ErasureLogEntry, 'erasedAt' | 'erasureId'>): string => `${entry.erasedAt}#${entry.erasureId}`,
  /** The key a cursor names. */
  keyAt: (tenantId: string, cursor: string): Key => ({ pk: partition(tenantId), sk: Buffer.from(cursor, 'base64url').toString('utf8') }),
  toItem: (tenantId: string, entry: ErasureLogEntry) => ({ ...erasureLogEntryEntity.key(tenantId, entry), ...stamp(ENTITY), ...entry }),
  fromItem(item: Item): ErasureLogEntry {
    const { entity: _entity, v: _v, ...entry } = EntryItem.parse(item);
    return entry;
  },
};
