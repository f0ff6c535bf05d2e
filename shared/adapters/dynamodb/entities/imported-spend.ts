import * as z from 'zod';
import { contentHash } from '../../../recording/hash.ts';
import { type ImportedSpendLine, importedLineKey } from '../../../spend/imported.ts';
import { SPEND_PROFILES, type SpendProfile } from '../../../spend/imports/parse.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `SPEND` / `<day>#i#<hash of profile and account>#<shard>`: one day of an
 * ad account's imported spend, its campaigns' lines packed in a few items
 * (by a hash of each line's key), beside the posted lines (`spend-line.ts`,
 * whose second part is a currency code), so a period's spend of both kinds
 * is one range query and a year of a large account is thousands of writes,
 * not a hundred thousand. `version` guards the read-merge-write of an import.
 */
const ENTITY = 'importedSpend' as const;

/**
 * Items per day and account. A line takes 40–550 bytes (its campaign's name
 * is most of it), so 8 items of DynamoDB's 400 KB hold the 5,000 lines a
 * day of an account may have (MAX_CAMPAIGNS_PER_DAY) even with long names.
 */
export const IMPORTED_SPEND_SHARDS = 8;

/** A line as stored: `[index of its import in imports, campaignKey, campaign, currency, cost]`; the platform's id is the key's (`id:<campaignId>`). */
const PackedLine = z.tuple([z.number().int().min(0), z.string(), z.string(), z.string(), z.number().int()]);

const ImportedSpendItem = itemSchema(ENTITY, {
  profile: z.enum(SPEND_PROFILES),
  account: z.string(),
  day: z.string(),
  version: z.number().int(),
  imports: z.array(z.string()),
  /**
   * The lines as one JSON string of tuples: DynamoDB and the SDK read one
   * string many times faster than a list of maps, and a year of a large
   * account's lines is a few megabytes rather than fifteen.
   */
  lines: z.string().transform((text) => z.array(PackedLine).parse(JSON.parse(text))),
});

/** One stored item of imported spend: the lines of one shard of one day and account. */
export interface ImportedSpendDay {
  key: Key;
  version: number;
  lines: ImportedSpendLine[];
}

const partition = (tenantId: string) => tenantKey(tenantId, 'SPEND');
const shardOf = (line: ImportedSpendLine) => Number.parseInt(contentHash(importedLineKey(line)).slice(0, 8), 16) % IMPORTED_SPEND_SHARDS;

export const importedSpendEntity = {
  name: ENTITY,
  /** The item a line is kept in. */
  key: (tenantId: string, line: ImportedSpendLine): Key => ({
    pk: partition(tenantId),
    sk: `${line.day}#i#${contentHash(JSON.stringify([line.profile, line.account])).slice(0, 16)}#${shardOf(line)}`,
  }),
  toItem(day: { key: Key; version: number; lines: readonly ImportedSpendLine[] }) {
    const [first] = day.lines as [ImportedSpendLine];
    const imports = [...new Set(day.lines.map((line) => line.importId))];
    return {
      ...day.key,
      ...stamp(ENTITY),
      profile: first.profile,
      account: first.account,
      day: first.day,
      version: day.version,
      imports,
      lines: JSON.stringify(day.lines.map((line) => [imports.indexOf(line.importId), line.campaignKey, line.campaign, line.currency, line.cost])),
    };
  },
  /** The day a stored item is of, from its sort key. */
  dayOf: (item: Item): string => String(item.sk).split('#')[0]!,
  /** The posted and imported items of a range read, apart. */
  isImported: (item: Item) => item.entity === ENTITY,
  fromItem(item: Item): ImportedSpendDay {
    const { profile, account, day, version, imports, lines } = ImportedSpendItem.parse(item);
    return {
      key: { pk: item.pk as string, sk: item.sk as string },
      version,
      lines: lines.map(([index, campaignKey, campaign, currency, cost]) => ({
        profile: profile as SpendProfile,
        importId: imports[index] ?? '',
        account,
        day,
        ...(campaignKey.startsWith('id:') ? { campaignId: campaignKey.slice(3) } : {}),
        campaign,
        campaignKey,
        currency,
        cost,
      })),
    };
  },
};
