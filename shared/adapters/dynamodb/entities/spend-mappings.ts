import { type SpendMappings, SpendMappingsSchema } from '../../../spend/imported.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/** `SPEND_MAPPINGS` / `MAPPINGS`: the tenant's touch campaign → platform campaign mappings and source aliases, one item (at most 2,000 mappings). */
const ENTITY = 'spendMappings' as const;

const SpendMappingsItem = itemSchema(ENTITY, SpendMappingsSchema.shape);

export const spendMappingsEntity = {
  name: ENTITY,
  key: (tenantId: string): Key => ({ pk: tenantKey(tenantId, 'SPEND_MAPPINGS'), sk: 'MAPPINGS' }),
  toItem: (tenantId: string, mappings: SpendMappings) => ({ ...spendMappingsEntity.key(tenantId), ...stamp(ENTITY), ...mappings }),
  fromItem(item: Item): SpendMappings {
    const { entity: _entity, v: _v, ...mappings } = SpendMappingsItem.parse(item);
    return mappings;
  },
};
