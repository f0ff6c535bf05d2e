import { isKnownCurrency, minorUnitExponent } from '../../money/currencies.ts';
import { formatAmount } from '../../money/money.ts';
import { type DayOrder, type DayReading, dayOrderOf, inferDayOrder, parseDay } from './dates.ts';
import { decodeSpendFile, type SpendFileEncoding } from './decode.ts';
import { type BadLine, fileError, SpendFileError } from './errors.ts';
import { findHeader, type Header } from './header.ts';
import { type DecimalMark, decimalMarkOf, parseCost } from './numbers.ts';
import { type ColumnMap, PROFILES, type SpendProfile } from './profiles.ts';
import { type Delimiter, Lines, type Row, readRows } from './table.ts';

export { type BadLine, SpendFileError } from './errors.ts';
export { DEFAULT_SOURCE_ALIASES, SPEND_PROFILES, type SpendProfile } from './profiles.ts';

export interface SpendFileOptions {
  profile: SpendProfile | 'auto';
  /** The account when the file has no account column (else the preamble's, else `default`). */
  account?: string;
  /** The currency when the file names none (no currency column, no `(XXX)` on the cost header). */
  currency?: string;
  /** How the file writes numbers and dates (`de-DE`: `1.234,56`, `1.11.2026`); needed when a cost like `1,234` is ambiguous. */
  locale?: string;
}

/** One line of spend, summed over the file's rows with the same key. */
export interface ImportedLine {
  /** The row's account column, else `options.account`, else the preamble's account (`Account: …`), else `default`. */
  account: string;
  /** `YYYY-MM-DD`, the platform's day as written (no time-zone conversion). */
  day: string;
  /** The platform's campaign id when the file has one (trimmed). */
  campaignId?: string;
  /** The campaign name as the file wrote it (trimmed; the first seen for the key); the id if there is no name. */
  campaign: string;
  /** `id:<campaignId>` when there is an id, else `name:<normaliseCampaignName(campaign)>`. */
  campaignKey: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** Integer minor units. */
  cost: number;
}

export interface ParsedSpendFile {
  /** The profile used (detected when `auto`). */
  profile: SpendProfile;
  delimiter: Delimiter;
  encoding: SpendFileEncoding;
  /** Lines above the header, as text (Google's title and date range, Microsoft's `Key: value` lines). */
  preamble: string[];
  /** LinkedIn's days are UTC; the others are the account's time zone. */
  dayZone: 'account' | 'UTC';
  /** Sorted by day, campaignKey, currency (then account); rows with the same (account, day, campaignKey, currency) summed. */
  lines: ImportedLine[];
  /** Data rows read (before summing). */
  rows: number;
  skipped: { blank: number; totals: number; footer: number };
  warnings: Array<{ line: number; message: string }>;
}

/** NFKC, trimmed, inner whitespace collapsed to one space, case-folded: how a campaign name is matched. */
export function normaliseCampaignName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const TOTALS = /^total/i;
const FOOTER = /^[©@]/;
/** Cells that mean "nothing here" in the platforms' files. */
const NOTHING = new Set(['', '-', '--', '—']);
const PREAMBLE_ACCOUNT = /^(?:account|account name|account\(s\)|accounts)\s*:\s*(.+)$/i;

/**
 * Reads an ad platform's spend file as it was downloaded (SPEC §12): decodes it strictly, finds its
 * header, skips blank, totals and footer rows, reads each row's day, campaign, currency and cost
 * (exact minor units) and sums rows with the same account, day, campaign and currency. Every bad
 * line is collected before anything is thrown, so one {@link SpendFileError} names them all.
 */
export function parseSpendFile(bytes: Uint8Array, options: SpendFileOptions): ParsedSpendFile {
  const { text, encoding } = decodeSpendFile(bytes);
  const settings = readOptions(options);
  const lines = new Lines(text);
  const header = findHeader(lines, options.profile);
  const { columns } = header;
  if (columns.campaign === undefined && columns.campaignId === undefined) {
    const names = [...PROFILES[header.profile].columns.campaign, ...PROFILES[header.profile].columns.campaignId].join(', ');
    throw new SpendFileError([{ line: header.line, reason: `no campaign column: expected one of ${names}` }]);
  }
  const preambleAccount = header.preamble.map((line) => PREAMBLE_ACCOUNT.exec(line)?.[1]?.trim()).find((account) => account);

  const { data, blank, dateCells } = nonBlankRows(lines, header, settings.dayOrder === undefined);
  const reader = new RowReader(columns, {
    currency: fileCurrency(header, settings.currency),
    account: options.account?.trim() || preambleAccount || 'default',
    decimalMark: settings.decimalMark,
    dayOrder: settings.dayOrder ?? inferDayOrder(dateCells),
  });
  for (const row of data) reader.read(row);
  const { problems, warnings, skipped, rows } = reader;
  const sums = [...reader.sums.values()];
  for (const sum of sums) if (!Number.isSafeInteger(sum.cost)) problems.push({ line: 0, reason: `the ${sum.currency} cost of ${sum.campaign} on ${sum.day} is too large` });
  if (problems.length > 0) throw new SpendFileError(problems);
  return {
    profile: header.profile,
    delimiter: header.delimiter,
    encoding,
    preamble: header.preamble,
    dayZone: PROFILES[header.profile].dayZone,
    lines: sums.sort(compareLines),
    rows,
    skipped: { blank, ...skipped },
    warnings,
  };
}

/** The rows below the header with their cells trimmed, blank ones counted out; and the distinct date cells, when the day order is to be told from them. */
function nonBlankRows(lines: Lines, header: Header, collectDates: boolean): { data: Row[]; blank: number; dateCells: Set<string> } {
  const { columns } = header;
  const dateColumns = [columns.date, columns.start, columns.end].filter((index): index is number => index !== undefined);
  const data: Row[] = [];
  const dateCells = new Set<string>();
  let blank = 0;
  for (const row of readRows(lines, header.delimiter, header.line + 1)) {
    const cells = row.cells;
    for (let i = 0; i < cells.length; i += 1) cells[i] = cells[i]!.trim();
    if (cells.every(isEmpty)) {
      blank += 1;
      continue;
    }
    data.push(row);
    if (collectDates) for (const index of dateColumns) dateCells.add(cells[index] ?? '');
  }
  return { data, blank, dateCells };
}

interface ReaderSettings {
  /** For rows without a currency cell (or a file without a currency column). */
  currency: string | undefined;
  /** For rows without an account cell. */
  account: string;
  decimalMark: DecimalMark | undefined;
  dayOrder: DayOrder;
}

/** Reads data rows one by one into summed lines, counting skipped rows and collecting every problem. */
class RowReader {
  readonly problems: BadLine[] = [];
  readonly warnings: ParsedSpendFile['warnings'] = [];
  readonly skipped = { totals: 0, footer: 0 };
  readonly sums = new Map<string, ImportedLine>();
  rows = 0;
  private readonly days = new Map<string, DayReading>();
  private readonly names = new Map<string, string>();
  /** The first data row's level (campaign or ad), and whether a row of the other level was reported. */
  private level: { ad: boolean; line: number; mixed: boolean } | undefined;

  constructor(
    private readonly columns: ColumnMap,
    private readonly settings: ReaderSettings,
  ) {}

  read({ line, cells }: Row): void {
    const { columns } = this;
    const day = this.dayOf(cellAt(cells, columns.date));
    if (!day.ok && this.skips(cells)) return;
    this.rows += 1;
    const before = this.problems.length;
    const bad = (reason: string) => this.problems.push({ line, reason });
    if (!day.ok) bad(day.reason);
    else {
      const period = this.spansDays(day.day, cellAt(cells, columns.start), cellAt(cells, columns.end));
      if (period) bad(period);
    }
    this.checkLevel(line, cells);
    const idCell = cellAt(cells, columns.campaignId);
    const campaignId = NOTHING.has(idCell) ? '' : idCell;
    const campaignName = cellAt(cells, columns.campaign);
    if (campaignId === '' && campaignName === '') bad('no campaign: the campaign name and id are empty');
    const currency = currencyOf(cellAt(cells, columns.currency), this.settings.currency);
    if (!currency.ok) bad(currency.reason);
    const costCell = cellAt(cells, columns.cost);
    const cost = currency.ok ? parseCost(costCell, currency.code, this.settings.decimalMark) : undefined;
    if (cost && !cost.ok) bad(cost.reason);
    if (this.problems.length > before || !day.ok || !currency.ok || !cost?.ok) return;
    if (cost.rounded) {
      const message = `cost "${costCell}" has more digits than ${currency.code}'s ${minorUnitExponent(currency.code)}; rounded half-even to ${formatAmount(cost.minor, currency.code)}`;
      this.warnings.push({ line, message });
    }
    this.add({ account: cellAt(cells, columns.account) || this.settings.account, day: day.day, campaignId, campaignName, currency: currency.code, cost: cost.minor });
  }

  /** Whether an undated row is a totals row or a footer (counted), rather than a bad line. */
  private skips(cells: string[]): boolean {
    const first = cells.find((value) => value !== '') ?? '';
    if (TOTALS.test(first)) this.skipped.totals += 1;
    else if (FOOTER.test(first)) this.skipped.footer += 1;
    else return false;
    return true;
  }

  private dayOf(cell: string): DayReading {
    let reading = this.days.get(cell);
    if (!reading) this.days.set(cell, (reading = parseDay(cell, this.settings.dayOrder)));
    return reading;
  }

  /** A row that states its period (`Reporting starts`/`Reporting ends`) must cover one day: why not, if it does not. */
  private spansDays(day: string, startCell: string, endCell: string): string | undefined {
    if (startCell === '' && endCell === '') return undefined;
    const start = startCell === '' ? { ok: true as const, day } : this.dayOf(startCell);
    const end = endCell === '' ? { ok: true as const, day } : this.dayOf(endCell);
    if (!start.ok) return `start: ${start.reason}`;
    if (!end.ok) return `end: ${end.reason}`;
    if (start.day !== end.day || start.day !== day) return `the row spans several days (${start.day} to ${end.day}); export with a daily breakdown`;
    return undefined;
  }

  /** Campaign rows and ad rows (ad group, ad set, ad, creative filled) are not to be mixed: the first row of the other kind is reported. */
  private checkLevel(line: number, cells: string[]): void {
    if (this.columns.adLevel.length === 0) return;
    const ad = this.columns.adLevel.some((index) => !NOTHING.has(cells[index] ?? ''));
    if (!this.level) this.level = { ad, line, mixed: false };
    else if (this.level.ad !== ad && !this.level.mixed) {
      this.level.mixed = true;
      const kind = (adRow: boolean) => (adRow ? 'an ad' : 'a campaign');
      this.problems.push({ line, reason: `the file mixes campaign rows and ad rows (line ${this.level.line} is ${kind(this.level.ad)} row, this one ${kind(ad)} row): export one level only` });
    }
  }

  private add(row: { account: string; day: string; campaignId: string; campaignName: string; currency: string; cost: number }): void {
    let campaignKey: string;
    if (row.campaignId !== '') campaignKey = `id:${row.campaignId}`;
    else {
      let normalised = this.names.get(row.campaignName);
      if (normalised === undefined) this.names.set(row.campaignName, (normalised = normaliseCampaignName(row.campaignName)));
      campaignKey = `name:${normalised}`;
    }
    const key = `${row.account}\u0000${row.day}\u0000${campaignKey}\u0000${row.currency}`;
    const sum = this.sums.get(key);
    if (sum) {
      sum.cost += row.cost;
      return;
    }
    const line: ImportedLine = { account: row.account, day: row.day, campaign: row.campaignName || row.campaignId, campaignKey, currency: row.currency, cost: row.cost };
    if (row.campaignId !== '') line.campaignId = row.campaignId;
    this.sums.set(key, line);
  }
}

function readOptions(options: SpendFileOptions): { decimalMark?: DecimalMark; dayOrder?: DayOrder; currency?: string } {
  const problems: BadLine[] = [];
  let decimalMark: DecimalMark | undefined;
  let dayOrder: DayOrder | undefined;
  if (options.locale !== undefined) {
    decimalMark = decimalMarkOf(options.locale);
    dayOrder = dayOrderOf(options.locale);
    if (!decimalMark || !dayOrder) problems.push({ line: 0, reason: `locale "${options.locale}" is not a locale (e.g. en-US, de-DE, nl-NL)` });
  }
  const currency = options.currency?.trim().toUpperCase();
  if (currency !== undefined && !isKnownCurrency(currency)) problems.push({ line: 0, reason: `currency "${options.currency}" is not an ISO 4217 currency` });
  if (problems.length > 0) throw new SpendFileError(problems);
  return { decimalMark, dayOrder, currency };
}

/** The currency of rows whose currency cell is empty (or of all rows, without a currency column): the cost header's `(XXX)`, else `currency=`. */
function fileCurrency(header: Header, option: string | undefined): string | undefined {
  const { columns } = header;
  if (columns.costCurrency !== undefined && !isKnownCurrency(columns.costCurrency)) {
    throw new SpendFileError([{ line: header.line, reason: `the cost column "${header.cells[columns.cost]?.trim()}" names an unknown currency ${columns.costCurrency}` }]);
  }
  const currency = columns.costCurrency ?? option;
  if (currency === undefined && columns.currency === undefined) {
    throw fileError('no currency: the file has no currency column and no (XXX) suffix on its cost column; pass currency=');
  }
  return currency;
}

function currencyOf(cell: string, fallback: string | undefined): { ok: true; code: string } | { ok: false; reason: string } {
  if (cell === '') return fallback === undefined ? { ok: false, reason: 'no currency on this line (and none for the file: pass currency=)' } : { ok: true, code: fallback };
  const code = cell.toUpperCase();
  return isKnownCurrency(code) ? { ok: true, code } : { ok: false, reason: `unknown currency "${cell}"` };
}

function cellAt(cells: string[], index: number | undefined): string {
  return index === undefined ? '' : (cells[index] ?? '');
}

function isEmpty(cell: string): boolean {
  return cell === '';
}

function compareLines(a: ImportedLine, b: ImportedLine): number {
  return compare(a.day, b.day) || compare(a.campaignKey, b.campaignKey) || compare(a.currency, b.currency) || compare(a.account, b.account);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
