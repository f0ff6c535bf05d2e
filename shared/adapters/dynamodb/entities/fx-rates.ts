import * as z from 'zod';
import type { MonthRates } from '../../../fx/months.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `FX_RATES` / `YYYY-MM`: a tenant's exchange rates of one month, one item
 * (`rates`: `"DD|BASE|QUOTE" → rate`, at most 12,000, see shared/fx/months.ts).
 * `version` counts the writes: a write is conditioned on the version it read,
 * so two requests merging into one month both land.
 */
const ENTITY = 'fxRates' as const;

const FxRatesItem = itemSchema(ENTITY, {
  month: z.string(),
  version: z.number().int().positive(),
  rates: z.record(z.string(), z.string()),
});

export interface FxRatesMonth {
  month: string;
  version: number;
  rates: MonthRates;
}

export const fxRatesEntity = {
  name: ENTITY,
  partition: (tenantId: string): string => tenantKey(tenantId, 'FX_RATES'),
  key: (tenantId: string, month: string): Key => ({ pk: fxRatesEntity.partition(tenantId), sk: month }),
  toItem: (tenantId: string, month: FxRatesMonth) => ({ ...fxRatesEntity.key(tenantId, month.month), ...stamp(ENTITY), ...month }),
  fromItem(item: Item): FxRatesMonth {
    const { entity: _entity, v: _v, ...month } = FxRatesItem.parse(item);
    return month;
  },
};
