import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpendFile, spendFiles } from '../../scripts/demo/spend-files.ts';
import { demoStore } from '../../scripts/demo/store.ts';
import { createSpendProgram } from '../../scripts/spend/program.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { DynamoSpendStore } from '../../shared/adapters/dynamodb/spend-store.ts';
import { config } from '../../shared/config.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant } from '../support/api.ts';
import { runProgram, runScript } from '../support/process.ts';

// `npm run spend -- import` against this file's table on DynamoDB Local: the demo's own platform files,
// imported and read back from the table as reports read them. The program runs in this process (what
// runProgram in test/support/process.ts), and once as a process, as npm runs it (the
// integration setup puts TABLE_NAME and DYNAMODB_ENDPOINT in the environment it inherits): a process
// costs about 1.5 CPU-seconds to start, and what only a process shows is tested in test/unit/spend-cli.test.ts.

const TIMEZONE = 'America/New_York';

const spendProcess = (...args: string[]) => runScript('spend', args, { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' });

const spendCli = (...args: string[]) => runProgram((err) => createSpendProgram({ err }), args);

const spendStore = () => new DynamoSpendStore(documentClient(), config().TABLE_NAME);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

let tenant: CreatedTenant;
let dir: string;
let files: SpendFile[];
const store = demoStore({ days: 14, visitorsPerDay: 5, until: new Date('2026-11-20T18:00:00Z'), timezone: TIMEZONE });
const period = { from: store.spend[0]!.day, to: store.spend.at(-1)!.day };
const pathOf = (file: SpendFile) => join(dir, file.fileName);
/** The account option a file is imported with, as the demo imports it. */
const accountArgs = (file: SpendFile) => (file.query.account ? ['--account', file.query.account] : []);

beforeAll(async () => {
  tenant = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  dir = mkdtempSync(join(tmpdir(), 'spend-cli-'));
  files = spendFiles(store.spend, { timezone: TIMEZONE });
  for (const file of files) writeFileSync(pathOf(file), file.bytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run spend -- import, into DynamoDB Local', () => {
  it('imports each platform’s file (profile=auto) and stores exactly the spend it holds, to the cent', async () => {
    for (const file of files) {
      const profile = file.platform === 'generic' ? ['--profile', 'generic'] : [];
      const { code, stdout, stderr } = await spendCli('import', pathOf(file), '--tenant', tenant.tenantId, ...profile, ...accountArgs(file));
      expect(code, stderr).toBe(0);
      const answer = JSON.parse(stdout);
      expect(answer).toMatchObject({ profile: file.platform, lines: file.lines.length, replaced: 0, days: period });
      expect(answer.totals).toEqual([{ currency: 'USD', cost: sum(file.lines.map((line) => line.cost)), costDecimal: expect.stringMatching(/^\d+\.\d\d$/) }]);
      expect(stderr).toContain(`Imported ${pathOf(file)} into tenant ${tenant.tenantId}.`);
    }
    const stored = await spendStore().spendBetween(tenant.tenantId, period.from, period.to);
    const comparable = (line: { profile?: string; platform?: string; account: string; day: string; campaignId?: string; campaign: string; cost: number }) =>
      JSON.stringify([line.profile ?? line.platform, line.account, line.day, line.campaignId ?? null, line.campaign, line.cost]);
    expect(stored.imported.map(comparable).sort()).toEqual(store.spend.map(comparable).sort());
    expect((await spendStore().recentImports(tenant.tenantId, 10)).length).toBe(files.length);
  });

  it('imports a file again without counting it twice: its lines replace what they stored', async () => {
    const google = files.find((file) => file.platform === 'google_ads')!;
    const { code, stdout, stderr } = await spendCli('import', pathOf(google), '--tenant', tenant.tenantId, ...accountArgs(google));
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).replaced).toBe(google.lines.length);
    const stored = await spendStore().spendBetween(tenant.tenantId, period.from, period.to);
    expect(sum(stored.imported.map((line) => line.cost))).toBe(sum(store.spend.map((line) => line.cost)));
  });

  it('refuses a bad file, naming every bad line, and stores nothing', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, ['Date,Campaign,Currency,Cost', '2026-11-01,Brand,USD,12.50', '2026-11-31,Brand,USD,1.00', '2026-11-02,Brand,USD,-3.00', ''].join('\n'));
    const before = await spendStore().recentImports(tenant.tenantId, 50);
    const { code, stdout, stderr } = await spendCli('import', bad, '--tenant', tenant.tenantId);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([`${bad} was not imported (nothing was stored): 2 bad lines.`, '  line 3: "2026-11-31" is not a calendar day', '  line 4: negative cost "-3.00"']);
    expect(await spendStore().recentImports(tenant.tenantId, 50)).toEqual(before);
  });

  it('says in one line that the tenant does not exist', async () => {
    const { code, stdout, stderr } = await spendCli('import', pathOf(files[0]!), '--tenant', 'no-such-tenant');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('Tenant no-such-tenant does not exist.');
  });

  it('imports a file over 1 MiB, showing its phases as it goes', async () => {
    const large = join(dir, 'large.csv');
    const rows = ['Date,Campaign,Currency,Cost'];
    for (let i = 0, size = 0; size <= 1.1 * 1024 * 1024; i += 1) {
      rows.push(`2026-10-${String((i % 28) + 1).padStart(2, '0')},Affiliate publisher ${i % 400} – a campaign with a long name,USD,${(i % 50) + 1}.${String(i % 100).padStart(2, '0')}`);
      size += rows.at(-1)!.length + 1;
    }
    writeFileSync(large, `${rows.join('\n')}\n`);
    const { code, stdout, stderr } = await spendProcess('import', large, '--tenant', tenant.tenantId, '--profile', 'generic', '--account', 'publishers');
    expect(code, stderr).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ rows: rows.length - 1, days: { from: '2026-10-01', to: '2026-10-28' } });
    expect(stderr).toMatch(/^\[\d+\.\d s\] reading large\.csv \(1\.2 MB\)…$/m);
    expect(stderr).toMatch(new RegExp(`^\\[\\d+\\.\\d s\\] parsed ${(rows.length - 1).toLocaleString('en-US')} rows → ${answer.lines.toLocaleString('en-US')} lines; writing…$`, 'm'));
    expect(stderr).toMatch(/^\[\d+\.\d s\] written$/m);
    const stored = await spendStore().spendBetween(tenant.tenantId, '2026-10-01', '2026-10-28');
    expect(stored.imported.filter((line) => line.account === 'publishers').length).toBe(answer.lines);
  });
});
