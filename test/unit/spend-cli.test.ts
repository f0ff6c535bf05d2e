import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local/dynamodb-local.ts';
import { createSpendProgram, FILE_LIMIT_TEXT, PROGRESS_FROM_BYTES, spendProgram } from '../../scripts/spend/program.ts';
import { fileSize, phaseProgress } from '../../scripts/spend/progress.ts';
import { MAX_IMPORT_FILE_BYTES } from '../../shared/spend/use-cases.ts';
import { createTenant } from '../../shared/tenants/use-cases.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';
import { runProgram, runScript, withoutTable } from '../support/process.ts';

const root = join(import.meta.dirname, '..', '..');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'spend', name);

/** `npm run spend -- <args>`, as npm runs it: for what only a process shows (its exit code, its streams, its imports). */
const spendProcess = (args: string[], env: NodeJS.ProcessEnv = {}) => runScript('spend', args, withoutTable(env));

/**
 * The program in this process (runProgram). With `deps`, imports go to those (in-memory) stores instead of the
 * configured table; the summary and the progress are written where a process writes them, as on a terminal
 * (`tty`) they would be.
 */
function spend(args: string[], deps?: MemoryStores, tty = false): ReturnType<typeof runProgram> {
  return runProgram((err) => (deps ? createSpendProgram({ stores: async () => ({ deps, local: true }), err }) : spendProgram), args, { tty });
}

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('npm run spend: usage', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage of every command to stdout and exits 0', async (flag) => {
    const { code, stdout, stderr } = await spend([flag]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run spend -- <command> \[options\]/);
    expect(stdout).toContain('import <file>');
    expect(stdout).toContain('TABLE_NAME');
  });

  it.each([
    ['import', '--help'],
    ['import', '-h'],
    ['help', 'import'],
  ])('%s %s prints the import’s usage: its options, their defaults, the size limit', async (first, second) => {
    const { code, stdout, stderr } = await spend([first, second]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run spend -- import <file> \[--tenant <tenantId>\] \[--profile <platform>\] \[--account <account>\] \[--currency <code>\] \[--locale <locale>\]/);
    for (const option of [
      '--tenant <tenantId>',
      '--profile <platform>',
      '(default auto)',
      '--account <account>',
      '--currency <code>',
      '--locale <locale>',
      'google_ads|meta|microsoft|tiktok|linkedin|generic',
    ])
      expect(stdout).toContain(option);
    expect(stdout).toContain(`up to ${FILE_LIMIT_TEXT}`);
  });

  it('states the size limit the use case enforces', () => {
    expect(FILE_LIMIT_TEXT).toBe(`${MAX_IMPORT_FILE_BYTES / 2 ** 20} MiB`);
  });

  it.each([
    [[], 'No command given.', 'npm run spend -- <command>'],
    [['bogus'], 'Unknown command "bogus".', 'npm run spend -- <command>'],
    [['--tenant', 'acme'], 'Expected a command before "--tenant".', 'npm run spend -- <command>'],
    [['import'], 'Missing <file>.', 'npm run spend -- import'],
    [['import', 'costs.csv'], 'Missing --tenant <tenantId>.', 'npm run spend -- import'],
    [['import', 'costs.csv', '--tenant'], "Option '-t, --tenant <value>' argument missing.", 'npm run spend -- import'],
    [['import', 'costs.csv', '--tenant', 'Acme'], 'Invalid tenant id "Acme"', 'npm run spend -- import'],
    [['import', 'costs.csv', '--tenant', 'acme', '--bogus'], "Unknown option '--bogus'.", 'npm run spend -- import'],
    [['import', 'costs.csv', 'more.csv', '--tenant', 'acme'], 'Unexpected argument "more.csv".', 'npm run spend -- import'],
    [
      ['import', 'costs.csv', '--tenant', 'acme', '--profile', 'adwords'],
      'Invalid profile "adwords": expected one of auto, google_ads, meta, microsoft, tiktok, linkedin, generic.',
      'npm run spend -- import',
    ],
    [['import', 'costs.csv', '--tenant', 'acme', '--currency', 'usd'], 'Invalid currency "usd"', 'npm run spend -- import'],
    [['import', 'costs.csv', '--tenant', 'acme', '--locale', 'xx-nope-123'], 'Invalid locale "xx-nope-123"', 'npm run spend -- import'],
    [['import', 'costs.csv', '--tenant', 'acme', '--account', ''], 'Invalid account ""', 'npm run spend -- import'],
  ])('%j: one line saying why, then the usage, on stderr; exit 2; no stack trace', async (args, reason, usage) => {
    const { code, stdout, stderr } = await spend(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, blank, ...rest] = stderr.split('\n');
    expect(first).toContain(reason);
    expect(blank).toBe('');
    expect(rest.join('\n')).toContain(`Usage: ${usage}`);
    expect(stderr).not.toMatch(NO_STACK);
  });
});

// The imports below go to in-memory stores (the table's are the integration test's: test/integration/spend-cli.test.ts).
let deps: MemoryStores;
let dir: string;
beforeAll(async () => {
  deps = memoryStores();
  await createTenant(deps.tenants, { tenantId: 'acme', currency: 'USD', timezone: 'America/New_York' });
  dir = mkdtempSync(join(tmpdir(), 'spend-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run spend -- import: what it prints', () => {
  it('imports a Google Ads file: the answer as one JSON object on stdout (as the API answers it), a summary on stderr', async () => {
    const { code, stdout, stderr } = await spend(['import', fixture('google-ads-campaigns.csv'), '--tenant', 'acme'], deps);
    expect(code, stderr).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({
      profile: 'google_ads',
      encoding: 'utf-16le',
      delimiter: '\t',
      days: { from: '2026-11-01', to: '2026-11-03' },
      replaced: 0,
      skipped: { blank: 0, totals: 4, footer: 0 },
    });
    expect(answer.totals).toEqual([
      { currency: 'CAD', cost: 113395, costDecimal: '1133.95' },
      { currency: 'USD', cost: 1708072, costDecimal: '17080.72' },
    ]);
    expect(stderr).toMatch(/^Imported .*google-ads-campaigns\.csv into tenant acme\.\n/);
    expect(stderr).toContain('Google Ads (google_ads), utf-16le, tab-separated');
    expect(stderr).toContain('2026-11-01 … 2026-11-03');
    expect(stderr).toContain('CAD 1,133.95, USD 17,080.72');
    expect(stderr).toContain('0 blank, 4 totals, 0 footer');
    expect((await deps.spend.recentImports('acme', 10)).map((stored) => stored.importId)).toContain(answer.importId);
  });

  it('imports the same file again: it replaces what it stored, never adds', async () => {
    const first = await spend(['import', fixture('microsoft-campaigns.csv'), '--tenant', 'acme'], deps);
    const again = await spend(['import', fixture('microsoft-campaigns.csv'), '--tenant', 'acme', '--profile', 'microsoft'], deps);
    expect([first.code, again.code]).toEqual([0, 0]);
    const [before, after] = [JSON.parse(first.stdout), JSON.parse(again.stdout)];
    expect(after.replaced).toBe(before.lines);
    expect(after.totals).toEqual(before.totals);
    expect(again.stderr).toContain(`${before.lines} stored lines (a re-import replaces, never adds)`);
  });

  it('passes --account, --currency and --locale to the import as the API’s query does', async () => {
    const { code, stdout, stderr } = await spend(
      ['import', fixture('generic-nl.csv'), '--tenant', 'acme', '--profile', 'generic', '--locale', 'nl-NL', '--account', 'webshop-nl', '--currency', 'EUR'],
      deps,
    );
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ profile: 'generic', account: 'webshop-nl' });
  });

  it('takes a gzip-compressed file as the file it holds', async () => {
    const path = join(dir, 'meta.csv.gz');
    writeFileSync(path, gzipSync(readFileSync(fixture('meta-en-daily.csv'))));
    const { code, stdout, stderr } = await spend(['import', path, '--tenant', 'acme', '--account', 'act_1'], deps);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ profile: 'meta', account: 'act_1', currencies: ['EUR'] });
  });

  it('shows the phases of a file over 1 MiB (reading, parsing, writing) with the time, one line each when stderr is not a terminal', async () => {
    const path = join(dir, 'large.csv');
    const rows = ['Date,Campaign,Currency,Cost'];
    for (let i = 0, size = 0; size <= PROGRESS_FROM_BYTES; i += 1) {
      rows.push(`2026-11-${String((i % 30) + 1).padStart(2, '0')},Campaign ${i % 1500} – a long name to make the file large,USD,${i % 97}.${String(i % 100).padStart(2, '0')}`);
      size += rows.at(-1)!.length + 1;
    }
    writeFileSync(path, `${rows.join('\n')}\n`);
    const { code, stdout, stderr } = await spend(['import', path, '--tenant', 'acme', '--profile', 'generic'], deps);
    expect(code, stderr).toBe(0);
    const phases = stderr.split('\n').filter((text) => text.startsWith('['));
    expect(phases.map((text) => text.replace(/^\[\d+\.\d s\] /, ''))).toEqual([
      `reading large.csv (${fileSize(readFileSync(path).length)})…`,
      'parsing large.csv…',
      `parsed ${(rows.length - 1).toLocaleString('en-US')} rows → ${JSON.parse(stdout).lines.toLocaleString('en-US')} lines; writing…`,
      'written',
    ]);
  });

  it('shows no progress for a small file', async () => {
    const { code, stderr } = await spend(['import', fixture('meta-en-daily.csv'), '--tenant', 'acme', '--account', 'act_2'], deps);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/^\[/m);
  });
});

describe('npm run spend -- import: what it refuses', () => {
  it('refuses a file with bad lines: names every one as "line N: reason", stores nothing, exits 1', async () => {
    const before = (await deps.spend.recentImports('acme', 50)).length;
    const { code, stdout, stderr } = await spend(['import', fixture('bad-several.csv'), '--tenant', 'acme'], deps);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/bad-several\.csv was not imported \(nothing was stored\): 6 bad lines\.$/);
    expect(lines.slice(1).map((text) => /^ {2}line (\d+): ./.exec(text)?.[1])).toEqual(['3', '4', '5', '6', '7', '8']);
    expect(stderr).toContain('line 7: negative cost "-1.00"');
    expect(stderr).not.toMatch(NO_STACK);
    expect((await deps.spend.recentImports('acme', 50)).length).toBe(before);
  });

  it('says what is wrong with a file that cannot be read as a whole', async () => {
    const { code, stderr } = await spend(['import', fixture('bad-no-currency.csv'), '--tenant', 'acme'], deps);
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad-no-currency\.csv was not imported \(nothing was stored\)\.\n {2}no currency: .*pass currency=/);
  });

  it('says in one line that a file is missing, or is a directory, or that the tenant does not exist (exit 1)', async () => {
    for (const [args, message] of [
      [['import', join(dir, 'nope.csv'), '--tenant', 'acme'], `Cannot read ${join(dir, 'nope.csv')}: no such file.`],
      [['import', dir, '--tenant', 'acme'], `Cannot read ${dir}: it is a directory, not a file.`],
      [['import', fixture('meta-en-daily.csv'), '--tenant', 'nobody'], 'Tenant nobody does not exist.'],
    ] as const) {
      const { code, stdout, stderr } = await spend([...args], deps);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(`${message}\n`);
    }
  });

  it(`refuses a file over ${FILE_LIMIT_TEXT} before reading it, and a gzip file that decompresses to more`, async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, MAX_IMPORT_FILE_BYTES + 1); // sparse: nothing is written
    const refused = await spend(['import', big, '--tenant', 'acme'], deps);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `${big} is 33.6 MB (33,554,433 bytes): an import takes files of up to 32 MiB. Export a shorter date range (or fewer columns) and import each part: a re-import replaces, never adds.\n`,
    );

    const bomb = join(dir, 'bomb.csv.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(MAX_IMPORT_FILE_BYTES + 1, 0x20)));
    const decompressed = await spend(['import', bomb, '--tenant', 'acme'], deps);
    expect(decompressed.code).toBe(1);
    expect(decompressed.stderr).toMatch(/bomb\.csv\.gz is more than 32 MiB once decompressed: an import takes files of up to 32 MiB\./);
  });
});

describe('the progress line', () => {
  it('on a terminal is one line rewritten in place, with the time since the start, and taken away at the end', () => {
    let written = '';
    let clock = 0;
    const progress = phaseProgress({ write: (text: string) => void (written += text), isTTY: true }, () => clock);
    progress.phase('reading x.csv (2.0 MB)…');
    clock = 1500;
    progress.phase('parsing x.csv…');
    progress.done();
    expect(written).toBe('\r\u001b[2Kreading x.csv (2.0 MB)… 0.0 s\r\u001b[2Kparsing x.csv… 1.5 s\r\u001b[2K');
  });

  it('sizes files as people read them', () => {
    expect([fileSize(999), fileSize(1500), fileSize(1_250_000), fileSize(33_554_433)]).toEqual(['999 B', '2 KB', '1.3 MB', '33.6 MB']);
  });
});

// What only a real process shows: that scripts/spend.ts hands argv to the program and its result to the
// exit code and the streams, and that an import reaching for a table that is not there fails in one line.
describe.concurrent('npm run spend as a process', () => {
  it('--help prints the usage to stdout and exits 0', async () => {
    const { code, stdout, stderr } = await spendProcess(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run spend -- <command> \[options\]/);
    expect(stdout).toContain('import <file>');
  }, 30_000);

  it('a usage error: one line saying why, then the usage, on stderr; exit 2; no stack trace', async () => {
    const { code, stdout, stderr } = await spendProcess(['import', fixture('meta-en-daily.csv')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const [first, blank, ...rest] = stderr.split('\n');
    expect(first).toBe('Missing --tenant <tenantId>.');
    expect(blank).toBe('');
    expect(rest.join('\n')).toContain('Usage: npm run spend -- import');
    expect(stderr).not.toMatch(NO_STACK);
  }, 30_000);

  it('says in one line that DynamoDB Local is not running (exit 1), without a stack trace', async () => {
    const { code, stdout, stderr } = await spendProcess(['import', fixture('meta-en-daily.csv'), '--tenant', 'acme'], { DYNAMODB_LOCAL_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^DynamoDB Local is not running at http:\/\/127\.0\.0\.1:\d+\. Start Baton first: npm start$/);
  }, 30_000);
});
