import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import type { DroppedBaton } from '../../../projection/person.ts';
import type { DroppedBatonView } from '../../../projection/ports.ts';
import { IdentifierSchema, type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `HANDOFF` / `<qualifiedAt>#<person key>`: a dropped baton (a qualified
 * person sales did not pick up in time), in one partition per tenant so a
 * period is one range query; its sort key is its position in that list.
 */
const ENTITY = 'dropped_baton' as const;

const DroppedBatonItem = itemSchema(ENTITY, {
  personKey: IdentifierSchema,
  identifiers: z.array(IdentifierSchema),
  qualifiedAt: z.string(),
  deadline: z.string(),
  acquiringCampaign: z.string().nullable(),
});

const partition = (tenantId: string) => tenantKey(tenantId, 'HANDOFF');
const position = (baton: Pick<DroppedBaton, 'qualifiedAt'>, personKey: Identifier) => `${baton.qualifiedAt}#${personKey}`;

export const droppedBatonEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, baton: Pick<DroppedBaton, 'qualifiedAt'>, personKey: Identifier): Key => ({ pk: partition(tenantId), sk: position(baton, personKey) }),
  /** Where a baton stands in the list (qualified time, then person): what a listing continues after. */
  position: (baton: Pick<DroppedBatonView, 'qualifiedAt' | 'personKey'>): string => position(baton, baton.personKey),
  /** The sort keys of batons qualified in `[from, to)`. */
  qualifiedBetween: (from: string, to: string): { from: string; to: string } => ({ from, to }),
  /** The key at a position a listing gave. */
  keyAt: (tenantId: string, at: string): Key => ({ pk: partition(tenantId), sk: at }),
  toItem: (tenantId: string, baton: DroppedBaton & { identifiers: Identifier[] }, personKey: Identifier) => ({
    ...droppedBatonEntity.key(tenantId, baton, personKey),
    ...stamp(ENTITY),
    personKey,
    ...baton,
  }),
  fromItem(item: Item): DroppedBatonView {
    const { entity: _entity, v: _v, ...baton } = DroppedBatonItem.parse(item);
    return baton;
  },
};
