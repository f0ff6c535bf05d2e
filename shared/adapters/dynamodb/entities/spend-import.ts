import * as z from 'zod';
import type { SpendImport } from '../../../spend/imported.ts';
import { SPEND_PROFILES } from '../../../spend/imports/parse.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/** `SPEND_IMPORTS` / `<importedAt>#<importId>`: what one import of a spend file did, newest last. */
const ENTITY = 'spendImport' as const;

const SpendImportItem = itemSchema(ENTITY, {
  importId: z.string(),
  importedAt: z.string(),
  profile: z.enum(SPEND_PROFILES),
  account: z.string(),
  accounts: z.array(z.string()),
  encoding: z.string(),
  delimiter: z.string(),
  dayZone: z.enum(['account', 'UTC']),
  preamble: z.array(z.string()),
  currencies: z.array(z.string()),
  days: z.object({ from: z.string(), to: z.string() }),
  rows: z.number().int(),
  lines: z.number().int(),
  campaigns: z.number().int(),
  totals: z.array(z.object({ currency: z.string(), cost: z.number().int() })),
  replaced: z.number().int(),
  skipped: z.object({ blank: z.number().int(), totals: z.number().int(), footer: z.number().int() }),
  warnings: z.array(z.object({ line: z.number().int(), message: z.string() })),
}) satisfies z.ZodType<SpendImport & { entity: string; v: number }>;

const partition = (tenantId: string) => tenantKey(tenantId, 'SPEND_IMPORTS');

export const spendImportEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, record: Pick<SpendImport, 'importedAt' | 'importId'>): Key => ({ pk: partition(tenantId), sk: `${record.importedAt}#${record.importId}` }),
  toItem: (tenantId: string, record: SpendImport) => ({ ...spendImportEntity.key(tenantId, record), ...stamp(ENTITY), ...record }),
  fromItem(item: Item): SpendImport {
    const { entity: _entity, v: _v, ...record } = SpendImportItem.parse(item);
    return record;
  },
};
