import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import type { Link } from '../../../recording/stages.ts';
import { expiresAt, IdentifierSchema, type Item, itemSchema, type Key, stamp } from './entity.ts';
import { personPartition } from './person.ts';

/**
 * An identity link in the partition of its `from` end: `LINK#<to>`. Its
 * write-once guard; its content is its two ends, so a link seen before is
 * a duplicate, never a conflict. Its mirror (`link-mirror.ts`) lets the
 * other end find it.
 */
const ENTITY = 'link' as const;
const PREFIX = 'LINK#';

export const LinkSchema = z.object({ from: IdentifierSchema, to: IdentifierSchema, occurredAt: z.string() }) satisfies z.ZodType<Link>;

const LinkItem = itemSchema(ENTITY, { ...LinkSchema.shape, tenantId: z.string(), primary: z.literal(true), contentHash: z.string(), expiresAt: z.number().optional() });

/** A link's sort key in the partition of one end: the other end. */
export const linkSortKey = (other: Identifier): string => `${PREFIX}${other}`;

export const linkEntity = {
  name: ENTITY,
  key: (tenantId: string, link: Pick<Link, 'from' | 'to'>): Key => ({ pk: personPartition(tenantId, link.from), sk: linkSortKey(link.to) }),
  contentHash: (link: Pick<Link, 'from' | 'to'>): string => `${link.from} ${link.to}`,
  /** Every link and mirror of a partition sorts between `LINK#` and this. */
  lastSortKey: `${PREFIX}\uffff`,
  /** The other end of a link or mirror, from its sort key (the identity walk reads keys only); undefined for any other item. */
  otherEnd: (sk: string): Identifier | undefined => (sk.startsWith(PREFIX) ? IdentifierSchema.parse(sk.slice(PREFIX.length)) : undefined),
  toItem: (tenantId: string, link: Link, retentionDays: number) => ({
    ...linkEntity.key(tenantId, link),
    ...stamp(ENTITY),
    tenantId,
    ...link,
    primary: true as const,
    contentHash: linkEntity.contentHash(link),
    expiresAt: expiresAt(link.occurredAt, retentionDays),
  }),
  fromItem(item: Item): Link {
    const { from, to, occurredAt } = LinkItem.parse(item);
    return { from, to, occurredAt };
  },
};
