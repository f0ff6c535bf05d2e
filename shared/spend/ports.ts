import type { CatalogCampaign } from './catalog.ts';
import type { ImportedSpendLine, SpendImport, SpendMappings } from './imported.ts';
import type { SpendRestatement } from './restatements.ts';
import type { SpendEntry } from './spend.ts';

/** `stale`: a report of that day's figure at least as recent is already stored, and stays. */
export type SpendOutcome = 'stored' | 'duplicate' | 'stale';

/** A period's spend: lines posted to `POST /v1/spend` and lines imported from the platforms' files (with the restatements posted in it, dated on their posting day). */
export interface PeriodSpend {
  posted: SpendEntry[];
  imported: ImportedSpendLine[];
}

export interface SpendStore {
  /** Stores each entry unless the stored figure for its day, currency and campaign was reported at the same time or later. */
  putSpend(tenantId: string, entries: readonly SpendEntry[]): Promise<SpendOutcome[]>;
  /** Every stored figure of the days `fromDay`..`toDay` (inclusive), posted and imported: one range read. */
  spendBetween(tenantId: string, fromDay: string, toDay: string, options?: { restated?: boolean }): Promise<PeriodSpend>;
  /** The earliest day with spend, posted or imported; undefined without any. One query of one item. */
  firstDay(tenantId: string): Promise<string | undefined>;
  /** The restatements of closed months' spend posted on the days `fromDay`..`toDay` (spendBetween counts them there). */
  restatements(tenantId: string, fromDay: string, toDay: string): Promise<SpendRestatement[]>;
  /** Adds each restatement's difference to its line's restatement of its posting day. */
  addRestatements(tenantId: string, restatements: readonly SpendRestatement[]): Promise<void>;
  /**
   * A reopened month's restated lines back into it: each line's figure
   * becomes what its month held plus what was restated, and its
   * restatements go (a day's lines at once). Resolves to the lines folded.
   */
  foldRestatements(tenantId: string, originalMonth: string, now: Date): Promise<number>;
  /**
   * Writes an import's lines, each replacing the stored line of its key
   * (profile, account, day, campaign, currency), then the import's record.
   * Resolves to how many stored lines were replaced.
   */
  saveImport(tenantId: string, record: Omit<SpendImport, 'replaced'>, lines: readonly ImportedSpendLine[]): Promise<{ replaced: number }>;
  /** The latest imports, newest first. */
  recentImports(tenantId: string, limit: number): Promise<SpendImport[]>;
  /** The tenant's mappings and aliases; undefined when never set. */
  getMappings(tenantId: string): Promise<SpendMappings | undefined>;
  putMappings(tenantId: string, mappings: SpendMappings): Promise<void>;
}

/** The campaigns touches have named, which spend lines are matched to. */
export interface CampaignCatalog {
  /** Adds what these entries say (an entry, its ids) to the catalog; idempotent. */
  rememberCampaigns(tenantId: string, campaigns: readonly CatalogCampaign[]): Promise<void>;
  campaigns(tenantId: string): Promise<CatalogCampaign[]>;
}
