/**
 * The demo's spend as the ad platforms write it in the files a marketer
 * downloads (SPEC §12), so `npm run demo` imports it through
 * `POST /v1/spend/imports` the way a marketer would:
 *
 * - Google Ads — the campaign report's "Excel .csv": UTF-16LE with a
 *   byte-order mark, tab-separated, CRLF; a title line and a date-range
 *   line above the table, `Total: …` rows below it, costs with thousands
 *   separators (`1,234.56`).
 * - Meta Ads Manager — an export with the "Day" breakdown: UTF-8 with a
 *   byte-order mark, one row per campaign and day (`Reporting starts` equal
 *   to `Reporting ends`), the currency in the cost header
 *   (`Amount spent (USD)`).
 * - Microsoft Advertising — the campaign performance report: UTF-8 with a
 *   byte-order mark, every cell quoted, `"Key: value"` lines above the
 *   table, a blank line on either side of it and a `©… Microsoft
 *   Corporation` footer; days as `11/1/2026`.
 * - Any other network (the demo's affiliate network) — a plain CSV the
 *   `generic` profile reads: `Date,Campaign,Currency,Cost`.
 *
 * Pure functions from spend lines to bytes: the same lines give the same
 * bytes, and a file parsed back gives the lines it was written from.
 */
import { minorUnitExponent } from '../../shared/money/currencies.ts';
import type { SpendProfile } from '../../shared/spend/imports/parse.ts';

/** The platforms the demo buys from, by the profile their files are read with. */
export type AdPlatform = Extract<SpendProfile, 'google_ads' | 'meta' | 'microsoft' | 'generic'>;

/** One platform's figure for one campaign and day: what a spend file holds and what an import stores. */
export interface AdSpendLine {
  platform: AdPlatform;
  /** The ad account as the import reads it: the file's account column (Microsoft), else the `account=` it is imported with. */
  account: string;
  /** `YYYY-MM-DD`, the platform's day (the ad account's time zone). */
  day: string;
  /** The platform's campaign id (none in the generic file: it is keyed by name). */
  campaignId?: string;
  /** The campaign's display name in the platform. */
  campaign: string;
  currency: string;
  /** Integer minor units. */
  cost: number;
}

/** A file as the demo imports it: what to tell the import, and the bytes. */
export interface SpendFile {
  platform: AdPlatform;
  /** Who wrote it, for people: `Google Ads`. */
  label: string;
  /** A file name like the platform's download. */
  fileName: string;
  /** The import's options: the profile, and the account of a file that names none. */
  query: { profile: AdPlatform; account?: string };
  bytes: Uint8Array;
  /** The lines it holds, sorted as the file writes them. */
  lines: AdSpendLine[];
}

export interface SpendFileOptions {
  /** The ad accounts' time zone (Microsoft's report names it). */
  timezone: string;
}

const LABELS: Record<AdPlatform, string> = { google_ads: 'Google Ads', meta: 'Meta', microsoft: 'Microsoft Advertising', generic: 'Affiliate network' };
const FILE_NAMES: Record<AdPlatform, string> = {
  google_ads: 'google-ads-campaign-report.csv',
  meta: 'meta-ads-campaigns-by-day.csv',
  microsoft: 'microsoft-advertising-campaign-performance.csv',
  generic: 'affiliate-network-costs.csv',
};
const ORDER: readonly AdPlatform[] = ['google_ads', 'meta', 'microsoft', 'generic'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const BOM = '\ufeff';

/** One file per platform and account, in a fixed order (Google Ads, Meta, Microsoft, the others). */
export function spendFiles(lines: readonly AdSpendLine[], options: SpendFileOptions): SpendFile[] {
  const groups = new Map<string, AdSpendLine[]>();
  for (const line of lines) {
    const key = JSON.stringify([ORDER.indexOf(line.platform), line.account]);
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => {
      const { platform, account } = group[0]!;
      const sorted = sortLines(group);
      const several = [...groups.values()].filter((other) => other[0]!.platform === platform).length > 1;
      return {
        platform,
        label: LABELS[platform],
        fileName: several ? FILE_NAMES[platform].replace(/\.csv$/, `-${account.replace(/[^\w-]+/g, '_')}.csv`) : FILE_NAMES[platform],
        // Microsoft's report has an account column; the others are imported with theirs.
        query: platform === 'microsoft' ? { profile: platform } : { profile: platform, account },
        bytes: writerOf(platform)(sorted, options),
        lines: sorted,
      };
    });
}

function writerOf(platform: AdPlatform): (lines: readonly AdSpendLine[], options: SpendFileOptions) => Uint8Array {
  switch (platform) {
    case 'google_ads':
      return googleAdsCampaignReport;
    case 'meta':
      return metaAdsExport;
    case 'microsoft':
      return microsoftCampaignReport;
    case 'generic':
      return genericSpendCsv;
  }
}

/** Google Ads' campaign report, downloaded as "Excel .csv". */
export function googleAdsCampaignReport(lines: readonly AdSpendLine[]): Uint8Array {
  const rows = sortLines(lines);
  const { from, to } = period(rows);
  const text: string[] = ['Campaign report', `${longDay(from)} - ${longDay(to)}`, ['Day', 'Campaign', 'Campaign ID', 'Currency code', 'Cost'].join('\t')];
  for (const line of rows) text.push(csvRow([line.day, line.campaign, line.campaignId ?? '--', line.currency, decimal(line.cost, line.currency, true)], '\t'));
  for (const [currency, total] of totals(rows)) {
    for (const label of ['Total: Account', 'Total: Campaigns']) text.push(csvRow([label, '--', '--', currency, decimal(total, currency, true)], '\t'));
  }
  return utf16le(`${BOM}${text.join('\r\n')}\r\n`);
}

/** Meta Ads Manager's export of campaigns with the "Day" breakdown (one currency per ad account). */
export function metaAdsExport(lines: readonly AdSpendLine[]): Uint8Array {
  const rows = sortLines(lines);
  const currency = onlyCurrency(rows, 'a Meta ad account');
  const text: string[] = [csvRow(['Reporting starts', 'Reporting ends', 'Campaign name', 'Campaign ID', `Amount spent (${currency})`], ',')];
  for (const line of rows) text.push(csvRow([line.day, line.day, line.campaign, line.campaignId ?? '', decimal(line.cost, line.currency, false)], ','));
  return utf8(`${BOM}${text.join('\n')}\n`);
}

/** Microsoft Advertising's campaign performance report, daily, as it downloads in English (US). */
export function microsoftCampaignReport(lines: readonly AdSpendLine[], options: SpendFileOptions): Uint8Array {
  const rows = sortLines(lines);
  const { from, to } = period(rows);
  const quoted = (cells: string[]) => csvRow(cells, ',', true);
  const text: string[] = [
    quoted(['Report Name: Campaign performance']),
    quoted([`Report Time: ${usDay(from)},${usDay(to)}`]),
    quoted([`Time Zone: ${microsoftTimeZone(options.timezone, from)}`]),
    quoted(['Report Aggregation: Daily']),
    quoted(['Report Filter: ']),
    quoted(['Potential Incomplete Data: false']),
    quoted([`Rows: ${rows.length}`]),
    '',
    quoted(['Gregorian date', 'Account name', 'Campaign name', 'Campaign ID', 'Currency code', 'Spend']),
  ];
  for (const line of rows) text.push(quoted([usDay(line.day), line.account, line.campaign, line.campaignId ?? '', line.currency, decimal(line.cost, line.currency, false)]));
  text.push('', quoted([`©${to.slice(0, 4)} Microsoft Corporation. All rights reserved. `]));
  return utf8(`${BOM}${text.join('\r\n')}\r\n`);
}

/** A plain CSV any network can export, read with `profile=generic`: campaigns by name, no id. */
export function genericSpendCsv(lines: readonly AdSpendLine[]): Uint8Array {
  const rows = sortLines(lines);
  const text = [csvRow(['Date', 'Campaign', 'Currency', 'Cost'], ',')];
  for (const line of rows) text.push(csvRow([line.day, line.campaign, line.currency, decimal(line.cost, line.currency, false)], ','));
  return utf8(`${text.join('\n')}\n`);
}

/** Minor units as the platforms write a cost: `1234.56`, or with thousands separators `1,234.56` (Google Ads). */
export function decimal(minor: number, currency: string, grouped: boolean): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`not a cost in minor units: ${minor}`);
  const exponent = minorUnitExponent(currency);
  const digits = String(minor).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const shown = grouped ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole;
  return exponent === 0 ? shown : `${shown}.${digits.slice(-exponent)}`;
}

/** One record: cells quoted when they hold the delimiter, a quote or a line break (RFC 4180), or always. */
function csvRow(cells: readonly string[], delimiter: ',' | '\t', quoteAll = false): string {
  return cells.map((cell) => (quoteAll || cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(delimiter);
}

function sortLines(lines: readonly AdSpendLine[]): AdSpendLine[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...lines].sort((a, b) => compare(a.day, b.day) || compare(a.campaign, b.campaign) || compare(a.campaignId ?? '', b.campaignId ?? '') || compare(a.currency, b.currency));
}

function period(lines: readonly AdSpendLine[]): { from: string; to: string } {
  if (lines.length === 0) throw new RangeError('a spend file needs at least one line');
  return { from: lines[0]!.day, to: lines[lines.length - 1]!.day };
}

function totals(lines: readonly AdSpendLine[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of lines) sums.set(line.currency, (sums.get(line.currency) ?? 0) + line.cost);
  return new Map([...sums].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function onlyCurrency(lines: readonly AdSpendLine[], what: string): string {
  const currencies = new Set(lines.map((line) => line.currency));
  if (currencies.size !== 1) throw new RangeError(`${what} spends in one currency, not ${[...currencies].join(', ') || 'none'}`);
  return [...currencies][0]!;
}

/** `2026-11-01` → `November 1, 2026` (Google's date-range line). */
function longDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return `${MONTHS[month - 1]} ${date}, ${year}`;
}

/** `2026-11-01` → `11/1/2026` (Microsoft's dates in en-US). */
function usDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return `${month}/${date}/${year}`;
}

/** `(GMT-05:00) Eastern Time`: Microsoft names an account's zone by its standard offset (the lower of winter's and summer's). */
function microsoftTimeZone(timezone: string, day: string): string {
  const year = day.slice(0, 4);
  const part = (at: Date, style: 'longOffset' | 'longGeneric') =>
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: style }).formatToParts(at).find((candidate) => candidate.type === 'timeZoneName')?.value ?? timezone;
  const minutes = (offset: string) => {
    const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(offset);
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  };
  const offsets = [new Date(`${year}-01-15T12:00:00Z`), new Date(`${year}-07-15T12:00:00Z`)].map((at) => part(at, 'longOffset')).map((offset) => (offset === 'GMT' ? 'GMT+00:00' : offset));
  const standard = offsets.sort((a, b) => minutes(a) - minutes(b))[0]!;
  return `(${standard}) ${part(new Date(`${day}T12:00:00Z`), 'longGeneric')}`;
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

function utf16le(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf16le'));
}
