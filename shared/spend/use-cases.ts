import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { UnprocessableFileError, ValidationError } from '../errors.ts';
import { formatAmount } from '../money/money.ts';
import { isClosed } from '../periods/periods.ts';
import type { PeriodStore } from '../periods/ports.ts';
import { type BatchAnswer, validateItems } from '../recording/use-cases.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { CurrencySchema } from '../tenants/tenant.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import { type ImportedSpendLine, type SpendImport, type SpendMappings, sourceAliases } from './imported.ts';
import { DEFAULT_SOURCE_ALIASES, type ParsedSpendFile, parseSpendFile, SPEND_PROFILES, SpendFileError } from './imports/parse.ts';
import type { SpendOutcome, SpendStore } from './ports.ts';
import { divertSpend, restatementKey } from './restatements.ts';
import type { SpendEntry } from './spend.ts';
import { figureOf, normaliseSpend, SpendInputSchema, spendId } from './spend.ts';

export interface SpendDeps {
  tenants: TenantStore;
  spend: SpendStore;
  /** Closed months' spend is restated, not written over (docs/contract.md#closing-a-month). */
  periods: Pick<PeriodStore, 'state'>;
}

/** What the books hold of each line of the closed days `from`..`to`: its figure as its month closed, plus what was restated since. */
async function heldSpend(deps: Pick<SpendDeps, 'spend'>, tenantId: string, from: string, to: string) {
  const [stored, restated] = await Promise.all([deps.spend.spendBetween(tenantId, from, to, { restated: false }), deps.spend.restatements(tenantId, from, '9999-12-31')]);
  const held = new Map<string, number>();
  for (const line of stored.imported) held.set(restatementKey({ imported: line }), line.cost);
  for (const entry of stored.posted) held.set(restatementKey({ posted: entry }), entry.amount);
  for (const restatement of restated) if (restatement.originalDay >= from && restatement.originalDay <= to) held.set(restatement.key, (held.get(restatement.key) ?? 0) + restatement.amount);
  return { held, posted: new Map(stored.posted.map((entry) => [spendId(entry), entry])) };
}

/** Lines of closed days become restatements of their difference, posted in the first open month; the others are written as they are. */
async function divertClosed<L extends { imported: ImportedSpendLine } | { posted: SpendEntry }>(deps: Pick<SpendDeps, 'spend' | 'periods'>, tenantId: string, lines: readonly L[]) {
  const state = await deps.periods.state(tenantId);
  const closedDays = lines
    .map((line) => ('imported' in line ? line.imported.day : line.posted.day))
    .filter((day) => isClosed(state, day))
    .sort();
  if (closedDays.length === 0) return { open: [...lines], restatements: [], stale: [] as L[] };
  const { held, posted } = await heldSpend(deps, tenantId, closedDays[0]!, closedDays.at(-1)!);
  // A posted figure reported no later than the one its closed day holds changes nothing, as it would not have before the close.
  const stale = lines.filter((line) => 'posted' in line && isClosed(state, line.posted.day) && (posted.get(spendId(line.posted))?.reportedAt ?? '') >= line.posted.reportedAt);
  const diverted = divertSpend(
    state,
    lines.filter((line) => !stale.includes(line)),
    (key) => held.get(key) ?? 0,
  );
  return { ...diverted, stale };
}

export interface SpendAnswer extends BatchAnswer {
  /** Figures older than (or as old as) the one already stored for that day: kept out. */
  stale: number;
}

/**
 * `POST /v1/spend`: each line validated on its own (bad ones rejected with
 * their index, the others stored). A day's figure for a campaign is
 * replaced by a later report of it and never by an earlier one, so
 * restatements may arrive in any order.
 */
export async function recordSpend(deps: SpendDeps, tenantId: string, items: unknown[], receivedAt = new Date().toISOString()): Promise<SpendAnswer> {
  await requireTenant(deps.tenants, tenantId);
  const { records, repeats, rejected } = validateItems(
    items,
    SpendInputSchema,
    (input) => {
      const entry = normaliseSpend(input, receivedAt);
      // a repeat within one batch is a duplicate when it reports the same figure at the same time
      return { entry, contentHash: `${figureOf(entry)}@${entry.reportedAt}` };
    },
    ({ entry }) => spendId(entry),
    'campaign',
  );
  const { open, restatements, stale } = await divertClosed(
    deps,
    tenantId,
    records.map(({ record }) => ({ posted: record.entry })),
  );
  const outcomes: SpendOutcome[] = [
    ...(await deps.spend.putSpend(
      tenantId,
      open.map((line) => line.posted),
    )),
    ...stale.map((): SpendOutcome => 'stale'),
    // A closed day's figure is stored as its restatement, or was already what the books hold.
    ...restatements.map((): SpendOutcome => 'stored'),
    ...Array.from({ length: records.length - open.length - stale.length - restatements.length }, (): SpendOutcome => 'duplicate'),
  ];
  await deps.spend.addRestatements(tenantId, restatements);
  const answer: SpendAnswer = { accepted: 0, duplicates: repeats.filter((repeat) => repeat.duplicate).length, stale: 0, rejected };
  for (const outcome of outcomes) {
    if (outcome === 'stored') answer.accepted += 1;
    else if (outcome === 'duplicate') answer.duplicates += 1;
    else answer.stale += 1;
  }
  answer.rejected.sort((a, b) => a.index - b.index);
  return answer;
}

/** The largest body of an import: API Gateway base64-encodes a binary body into Lambda's 6 MB payload. A larger file comes gzip-compressed. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

/** The largest spend file taken, once decompressed: a year of daily rows for hundreds of campaigns is far less. */
export const MAX_IMPORT_FILE_BYTES = 32 * 1024 * 1024;

/** Campaign lines one day of one account may have: what its stored items hold (entities/imported-spend.ts), with room to spare. */
export const MAX_CAMPAIGNS_PER_DAY = 5_000;

/** An import's budget: API Gateway waits 30 seconds at most. */
export const IMPORT_BUDGET_SECONDS = 28;

/** What an import's answer and record keep of the file's warnings and preamble lines (the record is one item). */
const MAX_WARNINGS = 100;
const MAX_PREAMBLE_LINE = 500;

/** The most imports `GET /v1/spend/imports` lists. */
export const RECENT_IMPORTS = 50;

const LocaleSchema = z
  .string()
  .min(2)
  .max(35)
  .refine(
    (locale) => {
      try {
        return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
      } catch {
        return false;
      }
    },
    { message: 'not a locale this service knows (e.g. en-US, nl-NL, fr-FR)' },
  );

export const SpendImportQuerySchema = z
  .object({
    profile: z.enum(['auto', ...SPEND_PROFILES]).default('auto'),
    account: z.string().trim().min(1).max(200).optional(),
    currency: CurrencySchema.optional(),
    locale: LocaleSchema.optional(),
  })
  .strict();

export type SpendImportQuery = z.infer<typeof SpendImportQuerySchema>;

/** The file read by its profile, or 422 naming every bad line (the first 1,000, then how many more). */
function readSpendFile(bytes: Uint8Array, query: SpendImportQuery): ParsedSpendFile {
  try {
    return parseSpendFile(bytes, query);
  } catch (error) {
    if (!(error instanceof SpendFileError)) throw error;
    const details = error.problems.map((problem) => ({ path: problem.line === 0 ? 'file' : `line.${problem.line}`, line: problem.line, message: problem.reason }));
    throw new UnprocessableFileError(`The file was not imported: ${error.message}`, details);
  }
}

/**
 * `POST /v1/spend/imports`: an ad platform's file, read whole before
 * anything is stored (a bad line refuses the file), its lines stored under
 * their keys so a re-import replaces rather than adds.
 */
export async function importSpendFile(
  deps: Pick<SpendDeps, 'tenants' | 'spend' | 'periods'>,
  tenantId: string,
  bytes: Uint8Array,
  query: SpendImportQuery,
  at: { now?: Date; importId?: string } = {},
): Promise<SpendImport> {
  await requireTenant(deps.tenants, tenantId);
  const parsed = readSpendFile(bytes, query);
  if (parsed.lines.length === 0)
    throw new UnprocessableFileError('The file was not imported: it has a header but no daily rows.', [{ path: 'file', line: 0, message: 'no daily rows below the header' }]);
  const perDay = new Map<string, number>();
  for (const line of parsed.lines) {
    const key = JSON.stringify([line.day, line.account]);
    perDay.set(key, (perDay.get(key) ?? 0) + 1);
  }
  const crowded = [...perDay].find(([, count]) => count > MAX_CAMPAIGNS_PER_DAY);
  if (crowded) {
    const [day, account] = JSON.parse(crowded[0]) as [string, string];
    throw new UnprocessableFileError(`The file was not imported: ${crowded[1]} campaign lines on ${day} of account ${account}; at most ${MAX_CAMPAIGNS_PER_DAY} a day and account.`, [
      { path: 'file', line: 0, message: `more than ${MAX_CAMPAIGNS_PER_DAY} campaign lines on ${day}` },
    ]);
  }
  const importId = at.importId ?? `imp_${randomUUID()}`;
  const lines = parsed.lines.map((line) => ({ ...line, profile: parsed.profile, importId }));
  const accounts = [...new Set(lines.map((line) => line.account))].sort();
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.cost);
  const days = lines.map((line) => line.day).sort();
  const record = {
    importId,
    importedAt: (at.now ?? new Date()).toISOString(),
    profile: parsed.profile,
    account: query.account ?? accounts[0]!,
    accounts,
    encoding: parsed.encoding,
    delimiter: parsed.delimiter,
    dayZone: parsed.dayZone,
    preamble: parsed.preamble.map((line) => (line.length > MAX_PREAMBLE_LINE ? `${line.slice(0, MAX_PREAMBLE_LINE)}…` : line)),
    currencies: [...totals.keys()].sort(),
    days: { from: days[0]!, to: days.at(-1)! },
    rows: parsed.rows,
    lines: lines.length,
    campaigns: new Set(lines.map((line) => line.campaignKey)).size,
    totals: [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, cost]) => ({ currency, cost })),
    skipped: parsed.skipped,
    warnings:
      parsed.warnings.length > MAX_WARNINGS ? [...parsed.warnings.slice(0, MAX_WARNINGS), { line: 0, message: `… and ${parsed.warnings.length - MAX_WARNINGS} more warnings` }] : parsed.warnings,
  };
  const { open, restatements } = await divertClosed(
    deps,
    tenantId,
    lines.map((imported) => ({ imported })),
  );
  if (restatements.length > 0) {
    record.warnings.push({
      line: 0,
      message: `${restatements.length} line${restatements.length === 1 ? '' : 's'} of closed months changed: the difference is posted in ${restatements[0]!.postedDay.slice(0, 7)} as spend_restatement; the closed months stay as they closed`,
    });
  }
  const { replaced } = await deps.spend.saveImport(
    tenantId,
    record,
    open.map((line) => line.imported),
  );
  await deps.spend.addRestatements(tenantId, restatements);
  return { ...record, replaced };
}

/** An import as answers show it: each currency's total with its decimal string beside the minor units. */
export function importAnswer(record: SpendImport) {
  return { ...record, totals: record.totals.map((total) => ({ ...total, costDecimal: formatAmount(total.cost, total.currency) })) };
}

/** `GET /v1/spend/imports`: the latest imports, newest first. */
export async function recentImports(deps: Pick<SpendDeps, 'tenants' | 'spend'>, tenantId: string): Promise<SpendImport[]> {
  await requireTenant(deps.tenants, tenantId);
  return deps.spend.recentImports(tenantId, RECENT_IMPORTS);
}

/**
 * The mappings as `GET /v1/spend/mappings` shows them: the tenant's mappings
 * and alias lists as set (so what GET answers, PUT takes back unchanged),
 * the defaults, and every platform's aliases in effect.
 */
function mappingsView(mappings: SpendMappings | undefined) {
  return { mappings: mappings?.mappings ?? [], aliases: mappings?.aliases ?? {}, defaultAliases: DEFAULT_SOURCE_ALIASES, aliasesInEffect: sourceAliases(mappings) };
}

export async function getSpendMappings(deps: Pick<SpendDeps, 'tenants' | 'spend'>, tenantId: string) {
  await requireTenant(deps.tenants, tenantId);
  return mappingsView(await deps.spend.getMappings(tenantId));
}

/** `PUT /v1/spend/mappings`: replaces the tenant's mappings and alias lists; one platform campaign per touch campaign value and platform. */
export async function putSpendMappings(deps: Pick<SpendDeps, 'tenants' | 'spend'>, tenantId: string, mappings: SpendMappings) {
  await requireTenant(deps.tenants, tenantId);
  const seen = new Map<string, number>();
  const clashes = mappings.mappings.flatMap((mapping, index) => {
    const key = JSON.stringify([mapping.campaign, mapping.platform ?? null]);
    const first = seen.get(key);
    seen.set(key, first ?? index);
    return first === undefined
      ? []
      : [
          {
            path: `body.mappings.${index}`,
            message: `campaign "${mapping.campaign}" is mapped already${mapping.platform ? ` for ${mapping.platform}` : ''}, by mapping ${first + 1} of the list`,
            code: 'duplicate',
          },
        ];
  });
  if (clashes.length > 0) throw new ValidationError('A touch campaign maps to one platform campaign per platform.', clashes);
  await deps.spend.putMappings(tenantId, mappings);
  return mappingsView(mappings);
}
