import { readFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minorUnitExponent } from '../../shared/money/currencies.ts';
import { dayOrderOf, parseDay } from '../../shared/spend/imports/dates.ts';
import { parseCost } from '../../shared/spend/imports/numbers.ts';
import {
  type BadLine,
  DEFAULT_SOURCE_ALIASES,
  type ImportedLine,
  normaliseCampaignName,
  type ParsedSpendFile,
  parseSpendFile,
  SPEND_PROFILES,
  SpendFileError,
  type SpendFileOptions,
  type SpendProfile,
} from '../../shared/spend/imports/parse.ts';
import { addDays } from '../../shared/time/days.ts';
import { encodeFixture, TARGETS } from '../fixtures/spend/make-utf16.ts';

const FIXTURES = new URL('../fixtures/spend/', import.meta.url);

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The file read with its profile named and with `auto`: the same answer, and `auto` finds that profile. */
function parseBoth(bytes: Uint8Array, profile: SpendProfile, options: Omit<SpendFileOptions, 'profile'> = {}): ParsedSpendFile {
  const explicit = parseSpendFile(bytes, { ...options, profile });
  const auto = parseSpendFile(bytes, { ...options, profile: 'auto' });
  expect(explicit.profile).toBe(profile);
  expect(auto).toEqual(explicit);
  return explicit;
}

/** The problems a file is refused with (failing the test if it is not refused). */
function problemsOf(bytes: Uint8Array, options: SpendFileOptions): BadLine[] {
  try {
    parseSpendFile(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SpendFileError);
    return (error as SpendFileError).problems;
  }
  throw new Error('the file was not refused');
}

function byId(account: string, day: string, campaignId: string, campaign: string, currency: string, cost: number): ImportedLine {
  return { account, day, campaignId, campaign, campaignKey: `id:${campaignId}`, currency, cost };
}

function byName(account: string, day: string, campaign: string, normalised: string, currency: string, cost: number): ImportedLine {
  return { account, day, campaign, campaignKey: `name:${normalised}`, currency, cost };
}

function totals(lines: ImportedLine[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of lines) sums[line.currency] = (sums[line.currency] ?? 0) + line.cost;
  return sums;
}

describe('the platforms’ own files: Google Ads and Meta', () => {
  it('reads a Google Ads download: UTF-16LE, tabs, title and date range above the header, Total: rows below, two accounts in two currencies', () => {
    const file = parseBoth(fixture('google-ads-campaigns.csv'), 'google_ads');
    expect(file).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', dayZone: 'account', rows: 8, skipped: { blank: 0, totals: 4, footer: 0 }, warnings: [] });
    expect(file.preamble).toEqual(['Campaign report', 'November 1, 2026 - November 3, 2026']);
    expect(file.lines).toEqual([
      byId('Acme US', '2026-11-01', '20512345678', 'Brand - Search', 'USD', 123456),
      byId('Acme US', '2026-11-01', '20598765432', 'Total Body Sale', 'USD', 31000),
      byId('Acme Canada', '2026-11-01', '21100000001', 'Brand - Search CA', 'CAD', 8820),
      byId('Acme US', '2026-11-02', '20512345678', 'Brand - Search', 'USD', 118709),
      byId('Acme US', '2026-11-02', '20598765432', 'Total Body Sale', 'USD', 0),
      byId('Acme Canada', '2026-11-02', '21100000001', 'Brand - Search CA', 'CAD', 104575),
      byId('Acme US', '2026-11-03', '20512345678', 'Brand - Search', 'USD', 200340),
      byId('Acme US', '2026-11-03', '20611112222', 'Performance Max – Winter', 'USD', 1234567),
    ]);
    // 1,234.56 + 310.00 + 1,187.09 + 0.00 + 2,003.40 + 12,345.67 USD; 88.20 + 1,045.75 CAD
    expect(totals(file.lines)).toEqual({ USD: 1708072, CAD: 113395 });
  });

  it('keeps a dated row of a campaign named "Total Body Sale" as data and skips the undated Total: rows', () => {
    const file = parseSpendFile(fixture('google-ads-campaigns.csv'), { profile: 'google_ads' });
    expect(file.lines.filter((line) => line.campaign === 'Total Body Sale').map((line) => [line.day, line.cost])).toEqual([
      ['2026-11-01', 31000],
      ['2026-11-02', 0],
    ]);
    expect(file.skipped.totals).toBe(4);
  });

  it('reads a Meta export in English: daily rows (Reporting starts = Reporting ends), the currency from "Amount spent (EUR)"', () => {
    const file = parseBoth(fixture('meta-en-daily.csv'), 'meta');
    expect(file).toMatchObject({ encoding: 'utf-8', delimiter: ',', preamble: [], dayZone: 'account', rows: 5, skipped: { blank: 0, totals: 0, footer: 0 } });
    expect(file.lines).toEqual([
      byId('default', '2026-11-01', '120210000000000001', 'Black Friday – Prospecting', 'EUR', 18102),
      byId('default', '2026-11-01', '120210000000000002', 'Retargeting 30d', 'EUR', 3587),
      byId('default', '2026-11-02', '120210000000000001', 'Black Friday – Prospecting', 'EUR', 20350),
      byId('default', '2026-11-02', '120210000000000002', 'Retargeting 30d', 'EUR', 0),
      byId('default', '2026-11-02', '120210000000000003', 'Lookalike 1% – DE, AT', 'EUR', 102040),
    ]);
    expect(totals(file.lines)).toEqual({ EUR: 144079 });
  });

  it('takes the account from the account= option when the file has no account column', () => {
    const file = parseSpendFile(fixture('meta-en-daily.csv'), { profile: 'auto', account: 'act_1029384756' });
    expect(new Set(file.lines.map((line) => line.account))).toEqual(new Set(['act_1029384756']));
  });

  it('reads a Meta export in French: translated headers, decimal commas, (narrow) no-break spaces as grouping', () => {
    const file = parseBoth(fixture('meta-fr-daily.csv'), 'meta');
    expect(file.lines).toEqual([
      byId('default', '2026-11-01', '120219999900000001', 'Soldes d’hiver – Prospection', 'EUR', 123456),
      byId('default', '2026-11-01', '120219999900000002', 'Remarketing panier', 'EUR', 4510),
      byId('default', '2026-11-02', '120219999900000001', 'Soldes d’hiver – Prospection', 'EUR', 200000),
      byId('default', '2026-11-02', '120219999900000002', 'Remarketing panier', 'EUR', 99),
      byId('default', '2026-11-02', '120219999900000003', 'Notoriété marque', 'EUR', 31250),
    ]);
    expect(totals(file.lines)).toEqual({ EUR: 359315 });
  });

  it('reads JPY without decimals, and sums a campaign written in full- and half-width katakana (NFKC)', () => {
    const file = parseBoth(fixture('meta-jpy.csv'), 'meta');
    expect(file.lines).toEqual([
      byName('default', '2026-11-01', 'ブランド認知', 'ブランド認知', 'JPY', 980),
      byName('default', '2026-11-01', '年末セール', '年末セール', 'JPY', 12345),
      byName('default', '2026-11-02', 'ブランド認知', 'ブランド認知', 'JPY', 1020),
      byName('default', '2026-11-02', '年末セール', '年末セール', 'JPY', 1234567),
    ]);
    expect(file.rows).toBe(5);
  });
});

describe('the platforms’ own files: Microsoft, TikTok, LinkedIn and generic exports', () => {
  it('reads a Microsoft Advertising report: quoted Key: value preamble, a blank line, -- for no spend, the © footer', () => {
    const file = parseBoth(fixture('microsoft-campaigns.csv'), 'microsoft');
    expect(file).toMatchObject({ encoding: 'utf-8', delimiter: ',', dayZone: 'account', rows: 7, skipped: { blank: 1, totals: 0, footer: 1 }, warnings: [] });
    expect(file.preamble).toEqual([
      'Report Name: Campaign spend by day',
      'Report Time: 11/1/2026,11/3/2026',
      'Time Zone: (GMT-05:00) Eastern Time (US & Canada)',
      'Last Completed Available Day: 11/4/2026 10:15:00 AM (GMT)',
      'Last Completed Available Hour: 11/4/2026 10:15:00 AM (GMT)',
      'Report Aggregation: Daily',
      'Report Filter:',
      'Potential Incomplete Data: false',
      'Rows: 7',
    ]);
    expect(file.lines).toEqual([
      byId('Acme Store', '2026-11-01', '403112233', 'Brand - Exact', 'USD', 6137),
      byId('Acme Store', '2026-11-01', '403112234', 'Generic - Phrase', 'USD', 0),
      byId('Acme Store', '2026-11-02', '403112233', 'Brand - Exact', 'USD', 7010),
      byId('Acme Store', '2026-11-02', '403112234', 'Generic - Phrase', 'USD', 120450),
      byId('Acme Store', '2026-11-03', '403112233', 'Brand - Exact', 'USD', 5800),
      byId('Acme Store', '2026-11-03', '403112234', 'Generic - Phrase', 'USD', 1290),
      byId('Acme Store', '2026-11-03', '403112235', 'Shopping - Winter', 'USD', 0),
    ]);
    expect(totals(file.lines)).toEqual({ USD: 140687 });
  });

  it('reads a TikTok ad-level export summed to its campaigns per day, rounding 4-decimal costs half-even with a warning per line', () => {
    const file = parseBoth(fixture('tiktok-ads.csv'), 'tiktok');
    expect(file.rows).toBe(7);
    expect(file.lines).toEqual([
      byId('default', '2026-11-01', '1780000000000001', 'Holiday Gift Guide', 'USD', 1012 + 1014 + 550),
      byId('default', '2026-11-01', '1780000000000002', 'Creator Spark Ads', 'USD', 12000),
      byId('default', '2026-11-02', '1780000000000001', 'Holiday Gift Guide', 'USD', 3333),
      byId('default', '2026-11-02', '1780000000000002', 'Creator Spark Ads', 'USD', 0 + 4789),
    ]);
    expect(file.warnings).toEqual([
      { line: 2, message: 'cost "10.1250" has more digits than USD\'s 2; rounded half-even to 10.12' },
      { line: 3, message: 'cost "10.1350" has more digits than USD\'s 2; rounded half-even to 10.14' },
      { line: 8, message: 'cost "47.8912" has more digits than USD\'s 2; rounded half-even to 47.89' },
    ]);
  });

  it('reads a LinkedIn export: UTF-16LE, tabs, a preamble, "(in UTC)" headers, days in UTC', () => {
    const file = parseBoth(fixture('linkedin-campaigns.csv'), 'linkedin');
    expect(file).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', dayZone: 'UTC', rows: 6, skipped: { blank: 0, totals: 0, footer: 0 } });
    expect(file.preamble).toEqual(['Campaign Performance Report (in UTC)', 'Report Start: 11/1/2026, 12:00 AM', 'Report End: 11/3/2026, 11:59 PM', 'Date Generated: 11/4/2026, 9:14 AM']);
    expect(file.lines).toEqual([
      byId('Acme B2B', '2026-11-01', '612345678', 'Decision makers – EMEA', 'GBP', 41277),
      byId('Acme B2B', '2026-11-01', '612345679', 'Retarget site visitors', 'GBP', 8810),
      byId('Acme B2B', '2026-11-02', '612345678', 'Decision makers – EMEA', 'GBP', 39802),
      byId('Acme B2B', '2026-11-02', '612345679', 'Retarget site visitors', 'GBP', 0),
      byId('Acme B2B', '2026-11-03', '612345678', 'Decision makers – EMEA', 'GBP', 125000),
      byId('Acme B2B', '2026-11-03', '612345679', 'Retarget site visitors', 'GBP', 7550),
    ]);
    expect(totals(file.lines)).toEqual({ GBP: 222439 });
  });

  it('reads a generic semicolon file with Dutch numbers and day-first dates given locale=nl-NL, summing one campaign spelled two ways', () => {
    const file = parseBoth(fixture('generic-nl.csv'), 'generic', { locale: 'nl-NL' });
    expect(file).toMatchObject({ delimiter: ';', encoding: 'utf-8', rows: 5 });
    expect(file.lines).toEqual([
      byName('default', '2026-11-01', 'Black Friday NL', 'black friday nl', 'EUR', 123456),
      byName('default', '2026-11-01', 'Nieuwsbrief', 'nieuwsbrief', 'EUR', 1250),
      byName('default', '2026-11-02', 'Black Friday NL', 'black friday nl', 'EUR', 200100 + 99),
      byName('default', '2026-11-03', 'Nieuwsbrief', 'nieuwsbrief', 'EUR', 100000),
    ]);
  });

  it('refuses the Dutch file without a locale: "€ 1.000" could be one euro or a thousand', () => {
    expect(problemsOf(fixture('generic-nl.csv'), { profile: 'auto' })).toEqual([
      { line: 6, reason: 'ambiguous number "€ 1.000": is "." a decimal mark or thousands grouping? pass locale= (e.g. en-US or de-DE)' },
    ]);
  });

  it('reads UTF-16BE, and a currency with three decimals (KWD)', () => {
    const file = parseBoth(fixture('generic-utf16be.csv'), 'generic');
    expect(file).toMatchObject({ encoding: 'utf-16be', delimiter: '\t' });
    expect(file.lines).toEqual([byId('default', '2026-11-01', 'C-7', 'Ünïcödé Ads', 'KWD', 19990 + 5)]);
  });

  it('has binary fixtures that are what make-utf16.ts makes of their UTF-8 sources', () => {
    for (const [name, target] of Object.entries(TARGETS)) {
      const source = readFileSync(new URL(`${name}.txt`, FIXTURES), 'utf8');
      expect(Buffer.from(fixture(`${name}.csv`)).equals(encodeFixture(source, target)), name).toBe(true);
    }
  });
});

describe('files that are refused, every bad line at once', () => {
  it('refuses undecodable bytes, naming the encoding and the byte offset', () => {
    expect(problemsOf(fixture('bad-undecodable.csv'), { profile: 'auto' })).toEqual([
      { line: 0, reason: 'the file is not valid UTF-8 (undecodable bytes at byte offset 43); save it as UTF-8 or UTF-16 with a byte-order mark' },
    ]);
  });

  it('refuses broken UTF-16: an odd byte at the end, a lone surrogate', () => {
    const odd = new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42]);
    expect(problemsOf(odd, { profile: 'auto' })[0]?.reason).toBe('the file is not valid UTF-16LE (undecodable bytes at byte offset 4); save it as UTF-8 or UTF-16 with a byte-order mark');
    const surrogate = new Uint8Array([0xfe, 0xff, 0x00, 0x41, 0xd8, 0x00, 0x00, 0x42]);
    expect(problemsOf(surrogate, { profile: 'auto' })[0]?.reason).toBe('the file is not valid UTF-16BE (undecodable bytes at byte offset 4); save it as UTF-8 or UTF-16 with a byte-order mark');
  });

  it('refuses UTF-16 without a byte-order mark rather than reading NULs', () => {
    const bytes = Buffer.from('Date,Campaign,Cost,Currency\n2026-11-01,A,1.00,USD\n', 'utf16le');
    expect(problemsOf(bytes, { profile: 'auto' })[0]?.reason).toMatch(/looks like UTF-16 without a byte-order mark/);
  });

  it.each([
    ['no bytes', fixture('bad-empty.csv')],
    ['a UTF-8 byte-order mark only', new Uint8Array([0xef, 0xbb, 0xbf])],
    ['a UTF-16 byte-order mark and blank lines', Buffer.from('\ufeff\r\n \r\n', 'utf16le')],
  ])('refuses an empty file (%s)', (_, bytes) => {
    expect(problemsOf(bytes, { profile: 'auto' })).toEqual([{ line: 0, reason: 'the file is empty' }]);
  });

  it('refuses a file without a header, listing the columns it looked for', () => {
    expect(problemsOf(fixture('bad-no-header.csv'), { profile: 'meta' })).toEqual([
      {
        line: 0,
        reason: 'no header found in the first 30 lines: expected a date column (Day, Jour, Reporting starts, Début des rapports) and a cost column (Amount spent, Montant dépensé)',
      },
    ]);
    const [auto] = problemsOf(fixture('bad-no-header.csv'), { profile: 'auto' });
    expect(auto?.line).toBe(0);
    expect(auto?.reason).toMatch(/^no header found in the first 30 lines: expected a date column \(Day, .*Start Date \(in UTC\).*\) and a cost column \(Cost, Amount spent, .*Total Spent.*\)$/);
  });

  it('refuses a file that names no currency, unless currency= is given', () => {
    expect(problemsOf(fixture('bad-no-currency.csv'), { profile: 'auto' })).toEqual([
      { line: 0, reason: 'no currency: the file has no currency column and no (XXX) suffix on its cost column; pass currency=' },
    ]);
    expect(parseSpendFile(fixture('bad-no-currency.csv'), { profile: 'auto', currency: 'usd' }).lines).toEqual([byName('default', '2026-11-01', 'Brand', 'brand', 'USD', 1200)]);
  });

  it('refuses an ambiguous 1,234 without a locale; reads it with one', () => {
    expect(problemsOf(fixture('bad-ambiguous.csv'), { profile: 'generic' })).toEqual([
      { line: 3, reason: 'ambiguous number "1,234": is "," a decimal mark or thousands grouping? pass locale= (e.g. en-US or de-DE)' },
    ]);
    const file = parseSpendFile(fixture('bad-ambiguous.csv'), { profile: 'generic', locale: 'en-US' });
    expect(file.lines.map((line) => [line.day, line.campaign, line.cost])).toEqual([
      ['2026-11-01', 'Brand', 1250],
      ['2026-11-01', 'Generic', 123400],
      ['2026-11-02', 'Brand', 250000],
    ]);
    // read as German, "12.50" is badly grouped and "2,500.00" has its grouping after the decimal mark
    expect(problemsOf(fixture('bad-ambiguous.csv'), { profile: 'generic', locale: 'de-DE' })).toEqual([
      { line: 2, reason: '"12.50" is not a number' },
      { line: 4, reason: '"2,500.00" is not a number' },
    ]);
  });

  it('refuses negative costs (a minus or parentheses), but not -0.00', () => {
    expect(problemsOf(fixture('bad-negative.csv'), { profile: 'auto' })).toEqual([
      { line: 3, reason: 'negative cost "-12.00"' },
      { line: 4, reason: 'negative cost "(3.50)"' },
    ]);
  });

  it('refuses a date range in one cell', () => {
    expect(problemsOf(fixture('bad-date-range.csv'), { profile: 'auto' })).toEqual([
      { line: 2, reason: '"2026-11-01 - 2026-11-30" is a date range, not a day; export with a daily breakdown' },
      { line: 3, reason: '"Nov 1, 2026 - Nov 30, 2026" is a date range, not a day; export with a daily breakdown' },
    ]);
  });

  it('refuses Meta rows whose Reporting starts and Reporting ends differ', () => {
    const reason = 'the row spans several days (2026-11-01 to 2026-11-30); export with a daily breakdown';
    expect(problemsOf(fixture('bad-meta-multi-day.csv'), { profile: 'auto' })).toEqual([
      { line: 2, reason },
      { line: 3, reason },
    ]);
  });

  it('refuses a file that mixes campaign rows and ad rows, naming the first row of the other kind', () => {
    expect(problemsOf(fixture('bad-mixed-levels.csv'), { profile: 'auto' })).toEqual([
      { line: 3, reason: 'the file mixes campaign rows and ad rows (line 2 is a campaign row, this one an ad row): export one level only' },
    ]);
  });

  it('lists every bad line of a file together, in line order', () => {
    let error: unknown;
    try {
      parseSpendFile(fixture('bad-several.csv'), { profile: 'auto' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SpendFileError);
    expect((error as SpendFileError).problems).toEqual([
      { line: 3, reason: '"2026-02-30" is not a calendar day' },
      { line: 4, reason: 'unknown currency "XYZ"' },
      { line: 5, reason: 'no campaign: the campaign name and id are empty' },
      { line: 6, reason: '"n/a" is not a number' },
      { line: 7, reason: 'negative cost "-1.00"' },
      { line: 8, reason: '"Nov 31 2026" is not a calendar day' },
    ]);
    expect((error as SpendFileError).message).toBe(
      '6 bad lines: line 3: "2026-02-30" is not a calendar day; line 4: unknown currency "XYZ"; line 5: no campaign: the campaign name and id are empty; and 3 more',
    );
  });

  it('lists 1,000 bad lines and then says how many more there are', () => {
    const rows = ['Date,Campaign,Cost,Currency', ...Array.from({ length: 1_050 }, (_, i) => `2026-11-01,C${i},-${i + 1}.00,USD`)];
    const problems = problemsOf(utf8(rows.join('\n')), { profile: 'generic' });
    expect(problems).toHaveLength(1_001);
    expect(problems[0]).toEqual({ line: 2, reason: 'negative cost "-1.00"' });
    expect(problems[999]).toEqual({ line: 1_001, reason: 'negative cost "-1000.00"' });
    expect(problems[1_000]).toEqual({ line: 0, reason: '… and 50 more bad lines' });
  });

  it('names the line of malformed CSV quoting, after a cell that spans lines', () => {
    const text = 'Date,Campaign,Cost,Currency\r\n2026-11-01,"Two\r\nlines",1.00,USD\r\n2026-11-01,"B"x,1.00,USD\r\n';
    expect(problemsOf(utf8(text), { profile: 'generic' })).toEqual([{ line: 4, reason: 'a quoted cell has more text after its closing quote' }]);
  });

  it('refuses a locale or a currency= it does not know', () => {
    expect(problemsOf(fixture('meta-en-daily.csv'), { profile: 'auto', locale: 'not a locale!', currency: 'ABC' })).toEqual([
      { line: 0, reason: 'locale "not a locale!" is not a locale (e.g. en-US, de-DE, nl-NL)' },
      { line: 0, reason: 'currency "ABC" is not an ISO 4217 currency' },
    ]);
  });
});

describe('rows, columns and lines', () => {
  it('skips and counts blank lines, Total rows and © / @ footers; a dated row starting with "Total" is data', () => {
    const text = [
      'Date,Campaign,Cost,Currency',
      '2026-11-01,Total Body Sale,10.00,USD',
      ',,,',
      '',
      'Totals,,10.00,',
      'total: account,,10.00,USD',
      '"©2026 Microsoft Corporation. All rights reserved."',
      '@2026 Microsoft Corporation',
    ].join('\n');
    const file = parseSpendFile(utf8(text), { profile: 'generic' });
    expect(file.lines).toEqual([byName('default', '2026-11-01', 'Total Body Sale', 'total body sale', 'USD', 1000)]);
    expect(file).toMatchObject({ rows: 1, skipped: { blank: 2, totals: 2, footer: 2 } });
  });

  it('sums rows with the same account, day, campaign and currency; several currencies make separate lines', () => {
    const text = [
      'Date,Account,Campaign,Campaign ID,Cost,Currency',
      '2026-11-02,A,Brand,  77 ,1.00,USD',
      '2026-11-01,A,Brand (renamed),77,2.00,USD',
      '2026-11-02,A,Brand,77,3.00,usd',
      '2026-11-02,A,Brand,77,4.00,EUR',
      '2026-11-02,B,Brand,77,5.00,USD',
      '2026-11-02,,Brand,77,6,JPY',
    ].join('\n');
    const file = parseSpendFile(utf8(text), { profile: 'generic' });
    expect(file.lines).toEqual([
      byId('A', '2026-11-01', '77', 'Brand (renamed)', 'USD', 200),
      byId('A', '2026-11-02', '77', 'Brand', 'EUR', 400),
      byId('default', '2026-11-02', '77', 'Brand', 'JPY', 6),
      byId('A', '2026-11-02', '77', 'Brand', 'USD', 400),
      byId('B', '2026-11-02', '77', 'Brand', 'USD', 500),
    ]);
    expect(file.rows).toBe(6);
  });

  it('takes the currency from the column, else the cost header’s (XXX), else currency=', () => {
    const text = ['Date,Campaign,Cost (CHF),Currency', '2026-11-01,A,1.00,EUR', '2026-11-01,B,2.00,'].join('\n');
    expect(parseSpendFile(utf8(text), { profile: 'generic', currency: 'USD' }).lines.map((line) => [line.campaign, line.currency])).toEqual([
      ['A', 'EUR'],
      ['B', 'CHF'],
    ]);
    const noSuffix = ['Date,Campaign,Cost,Currency', '2026-11-01,A,1.00,EUR', '2026-11-01,B,2.00,'].join('\n');
    expect(parseSpendFile(utf8(noSuffix), { profile: 'generic', currency: 'USD' }).lines.map((line) => [line.campaign, line.currency])).toEqual([
      ['A', 'EUR'],
      ['B', 'USD'],
    ]);
    expect(problemsOf(utf8(noSuffix), { profile: 'generic' })).toEqual([{ line: 3, reason: 'no currency on this line (and none for the file: pass currency=)' }]);
    expect(problemsOf(utf8('Date,Campaign,Cost (ABC)\n2026-11-01,A,1.00\n'), { profile: 'generic' })).toEqual([{ line: 1, reason: 'the cost column "Cost (ABC)" names an unknown currency ABC' }]);
  });

  it('takes the account from the column, else account=, else the preamble’s "Account:" line, else default', () => {
    const header = (extra: string) => ['"Report Name: Spend"', '"Account: Acme Outlet (F99887766)"', '', `"Gregorian date","Campaign name",${extra}"Spend","Currency code"`];
    const withoutColumn = utf8([...header(''), '"11/1/2026","Brand","1.00","USD"', ''].join('\r\n'));
    expect(parseBoth(withoutColumn, 'microsoft').lines[0]?.account).toBe('Acme Outlet (F99887766)');
    expect(parseSpendFile(withoutColumn, { profile: 'microsoft', account: 'given' }).lines[0]?.account).toBe('given');
    const withColumn = utf8([...header('"Account name",'), '"11/1/2026","Brand","Acme Store","1.00","USD"', ''].join('\r\n'));
    expect(parseSpendFile(withColumn, { profile: 'auto', account: 'given' }).lines[0]?.account).toBe('Acme Store');
    expect(parseSpendFile(fixture('tiktok-ads.csv'), { profile: 'auto' }).lines[0]?.account).toBe('default');
  });

  it('refuses a row without a campaign name or id, and a header without a campaign column', () => {
    expect(problemsOf(utf8('Date,Campaign,Campaign ID,Cost,Currency\n2026-11-01, ,--,1.00,USD\n'), { profile: 'generic' })).toEqual([
      { line: 2, reason: 'no campaign: the campaign name and id are empty' },
    ]);
    expect(problemsOf(utf8('Date,Cost,Currency\n2026-11-01,1.00,USD\n'), { profile: 'generic' })).toEqual([
      { line: 1, reason: 'no campaign column: expected one of Campaign, Campaign name, Campagne, Campagnenaam, Kampagne, Campaña, Campaign ID, Campagne-ID, Kampagnen-ID, ID de campagne' },
    ]);
  });

  it('keys a campaign by its id when the file has one, else by its normalised name', () => {
    const text = ['Date,Campaign,Cost,Currency', '2026-11-01,  Summer   Sale ,1.00,USD', '2026-11-01,SUMMER SALE,2.00,USD', '2026-11-01,ＳＵＭＭＥＲ　Ｓａｌｅ,3.00,USD'].join('\n');
    expect(parseSpendFile(utf8(text), { profile: 'generic' }).lines).toEqual([byName('default', '2026-11-01', 'Summer   Sale', 'summer sale', 'USD', 600)]);
  });

  it('refuses LinkedIn rows whose start and end dates differ', () => {
    const text = ['Start Date (in UTC)\tEnd Date (in UTC)\tCampaign Name\tCurrency\tTotal Spent', '11/1/2026\t11/1/2026\tA\tUSD\t1.00', '11/1/2026\t11/30/2026\tA\tUSD\t30.00'].join('\n');
    expect(problemsOf(utf8(text), { profile: 'linkedin' })).toEqual([{ line: 3, reason: 'the row spans several days (2026-11-01 to 2026-11-30); export with a daily breakdown' }]);
  });

  it('reads day-first numeric dates when a day above 12 says so, or the locale does', () => {
    const text = ['Date,Campaign,Cost,Currency', '13/11/2026,A,1.00,EUR', '1/11/2026,A,1.00,EUR'].join('\n');
    expect(parseSpendFile(utf8(text), { profile: 'generic' }).lines.map((line) => line.day)).toEqual(['2026-11-01', '2026-11-13']);
    const us = ['Date,Campaign,Cost,Currency', '1/11/2026,A,1.00,EUR'].join('\n');
    expect(parseSpendFile(utf8(us), { profile: 'generic' }).lines[0]?.day).toBe('2026-01-11');
    expect(parseSpendFile(utf8(us), { profile: 'generic', locale: 'en-GB' }).lines[0]?.day).toBe('2026-11-01');
  });

  it('sorts lines by day, campaign key and currency', () => {
    const text = ['Date,Campaign,Cost,Currency', '2026-11-02,b,1,EUR', '2026-11-01,b,1,USD', '2026-11-01,b,1,EUR', '2026-11-01,a,1,USD'].join('\n');
    expect(parseSpendFile(utf8(text), { profile: 'generic' }).lines.map((line) => `${line.day} ${line.campaignKey} ${line.currency}`)).toEqual([
      '2026-11-01 name:a USD',
      '2026-11-01 name:b EUR',
      '2026-11-01 name:b USD',
      '2026-11-02 name:b EUR',
    ]);
  });
});

describe('finding the header', () => {
  const table = 'Date,Campaign,Cost,Currency\n2026-11-01,A,1.00,USD\n';

  it('looks at the first 30 lines only; lines above the header are the preamble', () => {
    const above = (n: number) => Array.from({ length: n }, (_, i) => `Exported line ${i + 1}`).join('\n');
    const file = parseSpendFile(utf8(`${above(29)}\n${table}`), { profile: 'generic' });
    expect(file.preamble).toHaveLength(29);
    expect(file.preamble[28]).toBe('Exported line 29');
    expect(problemsOf(utf8(`${above(30)}\n${table}`), { profile: 'generic' })[0]?.reason).toMatch(/^no header found in the first 30 lines/);
  });

  it.each([
    [',', 'Date,Campaign,Cost,Currency\n2026-11-01,"Brand, EU","1,234.50",EUR\n'],
    ['\t', 'Date\tCampaign\tCost\tCurrency\n2026-11-01\tBrand, EU\t1,234.50\tEUR\n'],
    [';', 'Date;Campaign;Cost;Currency\n2026-11-01;Brand, EU;1,234.50;EUR\n'],
  ])('detects the %j delimiter from the header', (delimiter, text) => {
    const file = parseBoth(utf8(text), 'generic');
    expect(file.delimiter).toBe(delimiter);
    expect(file.lines).toEqual([byName('default', '2026-11-01', 'Brand, EU', 'brand, eu', 'EUR', 123450)]);
  });

  it('tells a generic file from Microsoft’s by Microsoft’s date column or its preamble', () => {
    const generic = 'Date,Campaign name,Spend,Currency\n2026-11-01,A,1.00,USD\n';
    expect(parseSpendFile(utf8(generic), { profile: 'auto' }).profile).toBe('generic');
    expect(parseSpendFile(utf8(`"Report Name: Spend"\n\n${generic}`), { profile: 'auto' }).profile).toBe('microsoft');
    expect(parseSpendFile(utf8(generic.replace('Date', 'Gregorian date')), { profile: 'auto' }).profile).toBe('microsoft');
  });

  it('detects each fixture’s platform', () => {
    const detected = Object.fromEntries(
      [
        ['google-ads-campaigns.csv', {}],
        ['meta-en-daily.csv', {}],
        ['meta-fr-daily.csv', {}],
        ['microsoft-campaigns.csv', {}],
        ['tiktok-ads.csv', {}],
        ['linkedin-campaigns.csv', {}],
        ['generic-nl.csv', { locale: 'nl-NL' }],
      ].map(([name, options]) => [name, parseSpendFile(fixture(name as string), { profile: 'auto', ...(options as object) }).profile]),
    );
    expect(detected).toEqual({
      'google-ads-campaigns.csv': 'google_ads',
      'meta-en-daily.csv': 'meta',
      'meta-fr-daily.csv': 'meta',
      'microsoft-campaigns.csv': 'microsoft',
      'tiktok-ads.csv': 'tiktok',
      'linkedin-campaigns.csv': 'linkedin',
      'generic-nl.csv': 'generic',
    });
  });
});

describe('costs', () => {
  it.each([
    ['1,234.56', 'USD', undefined, 123456],
    ['1.234,56', 'EUR', undefined, 123456],
    ['1\u00a0234,56', 'EUR', undefined, 123456],
    ['1\u202f234,567', 'KWD', undefined, 1234567],
    ["1'234.56", 'CHF', undefined, 123456],
    ['$1,234.56', 'USD', undefined, 123456],
    ['US$ 12.00', 'USD', undefined, 1200],
    ['12.00 USD', 'USD', undefined, 1200],
    ['€ 12,50', 'EUR', undefined, 1250],
    ['¥12,345,678', 'JPY', undefined, 12345678],
    ['12,5', 'EUR', undefined, 1250],
    ['12.5', 'USD', undefined, 1250],
    ['0,125', 'KWD', undefined, 125],
    ['1234.567', 'KWD', undefined, 1234567],
    ['1,234,567', 'USD', undefined, 123456700],
    ['1.234.567', 'EUR', undefined, 123456700],
    ['12,34,567.50', 'INR', undefined, 123456750],
    ['1,234', 'USD', 'en-US', 123400],
    ['1.234', 'EUR', 'de-DE', 123400],
    ['1.234', 'USD', 'en-US', 123],
    ['--', 'USD', undefined, 0],
    ['-', 'USD', undefined, 0],
    ['', 'USD', undefined, 0],
    ['-0.00', 'USD', undefined, 0],
    ['9007199254740991', 'JPY', undefined, 9007199254740991],
  ])('%j in %s (locale %s) is %i minor units', (cell, currency, locale, minor) => {
    const decimalMark = locale === 'en-US' ? '.' : locale === 'de-DE' ? ',' : undefined;
    expect(parseCost(cell, currency, decimalMark)).toMatchObject({ ok: true, minor });
  });

  it.each([
    ['0.125', 'USD', 12],
    ['0.135', 'USD', 14],
    ['0.1251', 'USD', 13],
    ['0.995', 'USD', 100],
    ['0.9949', 'USD', 99],
    ['1.5', 'JPY', 2],
    ['2.5', 'JPY', 2],
    ['2.51', 'JPY', 3],
    ['1.2345', 'KWD', 1234],
    ['1.2355', 'KWD', 1236],
  ])('rounds %j %s half-even to %i', (cell, currency, minor) => {
    expect(parseCost(cell, currency)).toEqual({ ok: true, minor, rounded: true });
  });

  it('does not call trailing zeros rounding', () => {
    expect(parseCost('19.9900', 'USD')).toEqual({ ok: true, minor: 1999, rounded: false });
  });

  it.each([
    ['1,234', 'ambiguous number "1,234": is "," a decimal mark or thousands grouping? pass locale= (e.g. en-US or de-DE)'],
    ['1.234', 'ambiguous number "1.234": is "." a decimal mark or thousands grouping? pass locale= (e.g. en-US or de-DE)'],
    ['-12.00', 'negative cost "-12.00"'],
    ['(5.00)', 'negative cost "(5.00)"'],
    ['5.00-', 'negative cost "5.00-"'],
    ['$ -5', 'negative cost "$ -5"'],
    ['abc', '"abc" is not a number'],
    ['1e5', '"1e5" is not a number'],
    ['1.5.2026', '"1.5.2026" is not a number'],
    ['12..5', '"12..5" is not a number'],
    ['1,2345.6', '"1,2345.6" is not a number'],
    ['99999999999999999', '"99999999999999999" is too large'],
  ])('refuses %j', (cell, reason) => {
    expect(parseCost(cell, 'USD')).toEqual({ ok: false, reason });
  });
});

describe('days', () => {
  it.each([
    ['2026-11-01', 'mdy', '2026-11-01'],
    ['2026-11-01 00:00:00', 'mdy', '2026-11-01'],
    ['2026-11-01T00:00:00.000Z', 'mdy', '2026-11-01'],
    ['2026/11/1', 'mdy', '2026-11-01'],
    ['11/1/2026', 'mdy', '2026-11-01'],
    ['11/1/2026 12:00:00 AM', 'mdy', '2026-11-01'],
    ['1/11/2026', 'dmy', '2026-11-01'],
    ['01-11-2026', 'dmy', '2026-11-01'],
    ['1.11.2026', 'mdy', '2026-11-01'],
    ['Nov 1, 2026', 'mdy', '2026-11-01'],
    ['November 1, 2026', 'dmy', '2026-11-01'],
    ['Sept. 30, 2026', 'mdy', '2026-09-30'],
    ['1 November 2026', 'mdy', '2026-11-01'],
    ['Sunday, November 1, 2026', 'mdy', '2026-11-01'],
    ['2028-02-29', 'mdy', '2028-02-29'],
  ] as const)('%j (%s) is %s', (cell, order, day) => {
    expect(parseDay(cell, order)).toEqual({ ok: true, day });
  });

  it.each([
    ['2026-02-29', '"2026-02-29" is not a calendar day'],
    ['13/13/2026', '"13/13/2026" is not a calendar day'],
    ['2026-11-01 13:00:00', '"2026-11-01 13:00:00" has a time of day; export days, not hours'],
    ['2026-11-01 – 2026-11-07', '"2026-11-01 – 2026-11-07" is a date range, not a day; export with a daily breakdown'],
    ['November 1, 2026 to November 7, 2026', '"November 1, 2026 to November 7, 2026" is a date range, not a day; export with a daily breakdown'],
    ['Week 44', '"Week 44" is not a date'],
    ['', 'no date'],
  ])('refuses %j', (cell, reason) => {
    expect(parseDay(cell, 'mdy')).toEqual({ ok: false, reason });
  });

  it('knows which locales write the day first', () => {
    expect([dayOrderOf('en-US'), dayOrderOf('en-GB'), dayOrderOf('nl-NL'), dayOrderOf('de-DE'), dayOrderOf('fr-FR')]).toEqual(['mdy', 'dmy', 'dmy', 'dmy', 'dmy']);
  });
});

describe('names and defaults', () => {
  it('normalises campaign names: NFKC, trimmed, collapsed spaces, case-folded', () => {
    expect(normaliseCampaignName('  ＢＬＡＣＫ\u3000Friday \t Sale ')).toBe('black friday sale');
    expect(normaliseCampaignName('ﾌﾞﾗﾝﾄﾞ認知')).toBe('ブランド認知');
    expect(normaliseCampaignName('Ünïcödé')).toBe('ünïcödé');
  });

  it('lists the profiles and the utm_source values each platform’s spend pays for', () => {
    expect(SPEND_PROFILES).toEqual(['google_ads', 'meta', 'microsoft', 'tiktok', 'linkedin', 'generic']);
    expect(DEFAULT_SOURCE_ALIASES).toEqual({
      google_ads: ['google', 'adwords'],
      meta: ['facebook', 'fb', 'instagram', 'ig', 'meta'],
      microsoft: ['bing', 'microsoft'],
      tiktok: ['tiktok'],
      linkedin: ['linkedin'],
      generic: [],
    });
  });
});

/** Campaigns as different files spell them: each group normalises to one name. */
const CAMPAIGN_SPELLINGS: Array<{ normalised: string; spellings: string[] }> = [
  { normalised: 'summer sale', spellings: ['Summer Sale', ' summer  sale ', 'ＳＵＭＭＥＲ SALE'] },
  { normalised: 'brand; exact', spellings: ['Brand; Exact', 'BRAND;   EXACT'] },
  { normalised: 'retargeting "30d", eu', spellings: ['Retargeting "30d", EU'] },
  { normalised: 'émission spéciale', spellings: ['Émission spéciale', 'ÉMISSION\tSPÉCIALE'] },
  { normalised: '年末セール', spellings: ['年末セール', '年末ｾｰﾙ'] },
];

const STYLES = [
  { locale: 'en-US', group: ',', decimal: '.', day: (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8))}/${iso.slice(0, 4)}` },
  { locale: 'nl-NL', group: '.', decimal: ',', day: (iso: string) => `${iso.slice(8)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}` },
  { locale: 'de-DE', group: '.', decimal: ',', day: (iso: string) => `${Number(iso.slice(8))}.${Number(iso.slice(5, 7))}.${iso.slice(0, 4)}` },
];

/** Minor units written as a file in that style would: `1,234.56` or `1.234,56`, grouped or not. */
function formatCost(minor: number, currency: string, style: (typeof STYLES)[number], grouped: boolean): string {
  const exponent = minorUnitExponent(currency);
  const digits = String(minor).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const wholeText = grouped ? whole.replace(/\B(?=(\d{3})+$)/g, style.group) : whole;
  return exponent === 0 ? wholeText : `${wholeText}${style.decimal}${digits.slice(-exponent)}`;
}

describe('the generic file round trip (property)', () => {
  const line = fc.record({
    day: fc.integer({ min: 0, max: 90 }).map((n) => addDays('2026-10-01', n)),
    group: fc.integer({ min: 0, max: CAMPAIGN_SPELLINGS.length - 1 }),
    currency: fc.constantFrom('USD', 'JPY', 'EUR'),
    cost: fc.integer({ min: 0, max: 2_000_000_000 }),
    // the line is written as up to three rows whose costs add up to it, each with a spelling of the campaign
    parts: fc.array(fc.record({ weight: fc.integer({ min: 0, max: 10 }), spelling: fc.nat(), order: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 3 }),
  });

  it('gives back the summed lines exactly, whatever the delimiter, number style, row order and repetition', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(line, { selector: (l) => `${l.day}|${l.group}|${l.currency}`, minLength: 1, maxLength: 25 }),
        fc.constantFrom<',' | '\t' | ';'>(',', '\t', ';'),
        fc.constantFrom(...STYLES),
        fc.boolean(),
        fc.boolean(),
        (lines, delimiter, style, grouped, isoDays) => {
          const rows: Array<{ order: number; cells: string[]; line: (typeof lines)[number] }> = [];
          for (const spend of lines) {
            const { spellings } = CAMPAIGN_SPELLINGS[spend.group]!;
            const weights = spend.parts.map((part) => part.weight + 1);
            const total = weights.reduce((a, b) => a + b, 0);
            let left = spend.cost;
            spend.parts.forEach((part, i) => {
              const cost = i === spend.parts.length - 1 ? left : Math.floor((spend.cost * weights[i]!) / total);
              left -= cost;
              const day = isoDays ? spend.day : style.day(spend.day);
              rows.push({ order: part.order, line: spend, cells: [day, spellings[part.spelling % spellings.length]!, formatCost(cost, spend.currency, style, grouped), spend.currency] });
            });
          }
          rows.sort((a, b) => a.order - b.order);
          const text = stringify([['Date', 'Campaign', 'Cost', 'Currency'], ...rows.map((row) => row.cells)], { delimiter });

          const file = parseSpendFile(utf8(text), { profile: 'auto', locale: style.locale });

          const firstSpelling = new Map<(typeof lines)[number], string>();
          for (const row of rows) if (!firstSpelling.has(row.line)) firstSpelling.set(row.line, row.cells[1]!.trim());
          const expected = lines
            .map((spend) => byName('default', spend.day, firstSpelling.get(spend)!, CAMPAIGN_SPELLINGS[spend.group]!.normalised, spend.currency, spend.cost))
            .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.campaignKey < b.campaignKey ? -1 : a.campaignKey > b.campaignKey ? 1 : a.currency < b.currency ? -1 : 1));
          expect(file.profile).toBe('generic');
          expect(file.delimiter).toBe(delimiter);
          expect(file.rows).toBe(rows.length);
          expect(file.warnings).toEqual([]);
          expect(file.lines).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});

describe('a large file', () => {
  it('parses 100,000 rows, every one counted', () => {
    const rows = ['Day\tCampaign\tCampaign ID\tCurrency code\tCost\tImpr.'];
    let expectedTotal = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const cents = (i * 7919) % 1_000_000;
      expectedTotal += cents;
      const cost = `${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
      rows.push(`${addDays('2026-01-01', i % 365)}\tCampaign ${i % 400}\t${9_000_000 + (i % 400)}\tUSD\t${cost}\t${i}`);
    }
    rows.push('Total: Account\t--\t--\t--\t--\t--');
    const bytes = utf8(rows.join('\r\n'));

    const started = performance.now();
    const file = parseSpendFile(bytes, { profile: 'auto' });
    const elapsed = performance.now() - started;
    console.info(`100,000-row spend file (${(bytes.length / 1e6).toFixed(1)} MB) parsed in ${elapsed.toFixed(0)} ms`);

    expect(file.profile).toBe('google_ads');
    expect(file.rows).toBe(100_000);
    expect(file.skipped.totals).toBe(1);
    // i % 365 and i % 400 repeat together every 29,200 rows: 29,200 distinct (day, campaign) pairs
    expect(file.lines).toHaveLength(29_200);
    expect(file.lines.reduce((sum, line) => sum + line.cost, 0)).toBe(expectedTotal);
  }, 60_000);
});
