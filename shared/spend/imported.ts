import * as z from 'zod';
import { DEFAULT_SOURCE_ALIASES, type ImportedLine, SPEND_PROFILES, type SpendProfile } from './imports/parse.ts';

/** A line of an imported spend file as stored: the platform's figure for one campaign, day and currency of an account. */
export interface ImportedSpendLine extends ImportedLine {
  profile: SpendProfile;
  importId: string;
}

/** What identifies an imported line: a later import with the same key replaces it (SPEC §12). */
export function importedLineKey(line: Pick<ImportedSpendLine, 'profile' | 'account' | 'day' | 'campaignKey' | 'currency'>): string {
  return JSON.stringify([line.profile, line.account, line.day, line.campaignKey, line.currency]);
}

/** Stored lines with an import's lines in place of those of the same key: what a re-import leaves, and how many it replaced. */
export function mergeImportedLines(stored: readonly ImportedSpendLine[], incoming: readonly ImportedSpendLine[]): { lines: ImportedSpendLine[]; replaced: number } {
  const byKey = new Map(stored.map((line) => [importedLineKey(line), line]));
  let replaced = 0;
  for (const line of incoming) {
    if (byKey.has(importedLineKey(line))) replaced += 1;
    byKey.set(importedLineKey(line), line);
  }
  return { lines: [...byKey.values()], replaced };
}

/** One import as `POST /v1/spend/imports` answers it and `GET /v1/spend/imports` lists it. */
export interface SpendImport {
  importId: string;
  importedAt: string;
  profile: SpendProfile;
  /** The import's account: `account=`, else the file's (its only one, or the first when it has several: all are in `accounts`). */
  account: string;
  accounts: string[];
  encoding: string;
  delimiter: string;
  /** Whose days the file counts in: the ad account's time zone, or UTC (LinkedIn). */
  dayZone: 'account' | 'UTC';
  preamble: string[];
  currencies: string[];
  days: { from: string; to: string };
  rows: number;
  lines: number;
  campaigns: number;
  totals: Array<{ currency: string; cost: number }>;
  replaced: number;
  skipped: { blank: number; totals: number; footer: number };
  warnings: Array<{ line: number; message: string }>;
}

const TouchCampaign = z.string().trim().min(1).max(500).toLowerCase();
const SourceName = z.string().trim().min(1).max(100).toLowerCase();

/** `PUT /v1/spend/mappings`: which platform campaign each touch campaign value is, and which sources each platform's spend pays for. */
export const SpendMappingsSchema = z
  .object({
    mappings: z
      .array(
        z
          .object({
            campaign: TouchCampaign.describe('The touch campaign value (`utm_campaign`), as touches carry it'),
            campaignId: z.string().trim().min(1).max(500).describe('The platform’s campaign id (or, for files without ids, its campaign name)'),
            platform: z.enum(SPEND_PROFILES).optional().describe('Only spend of this platform; any platform when absent'),
          })
          .strict(),
      )
      .max(2000),
    aliases: z.partialRecord(z.enum(SPEND_PROFILES), z.array(SourceName).max(50)).optional().describe('Per platform, the touch sources its spend pays for; a platform left out keeps its default list'),
  })
  .strict();

export type SpendMappings = z.infer<typeof SpendMappingsSchema>;

/** The sources each platform's spend pays for: the defaults, with the tenant's lists in their place. */
export function sourceAliases(mappings: SpendMappings | undefined): Record<SpendProfile, string[]> {
  return Object.fromEntries(SPEND_PROFILES.map((profile) => [profile, mappings?.aliases?.[profile] ?? DEFAULT_SOURCE_ALIASES[profile]])) as Record<SpendProfile, string[]>;
}
