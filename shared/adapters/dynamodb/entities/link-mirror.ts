import * as z from 'zod';
import type { Link } from '../../../recording/stages.ts';
import { expiresAt, type Item, itemSchema, type Key, stamp } from './entity.ts';
import { LinkSchema, linkEntity, linkSortKey } from './link.ts';
import { personPartition } from './person.ts';

/** A link's copy in the partition of its `to` end (`LINK#<from>`), written in the same transaction as the link. */
const ENTITY = 'link_mirror' as const;

const LinkMirrorItem = itemSchema(ENTITY, { ...LinkSchema.shape, tenantId: z.string(), contentHash: z.string(), expiresAt: z.number().optional() });

export const linkMirrorEntity = {
  name: ENTITY,
  key: (tenantId: string, link: Pick<Link, 'from' | 'to'>): Key => ({ pk: personPartition(tenantId, link.to), sk: linkSortKey(link.from) }),
  toItem: (tenantId: string, link: Link, retentionDays: number) => ({
    ...linkMirrorEntity.key(tenantId, link),
    ...stamp(ENTITY),
    tenantId,
    ...link,
    contentHash: linkEntity.contentHash(link),
    expiresAt: expiresAt(link.occurredAt, retentionDays),
  }),
  fromItem(item: Item): Link {
    const { from, to, occurredAt } = LinkMirrorItem.parse(item);
    return { from, to, occurredAt };
  },
};
