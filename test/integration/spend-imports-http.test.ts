import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

/** A file as a platform writes it: UTF-16LE with its byte-order mark (Google Ads, LinkedIn). */
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const upload = (query: string, body: Buffer | string, key = tenant.keys.marketing) =>
  api.request('POST', `/v1/spend/imports${query}`, { key, body: typeof body === 'string' ? Buffer.from(body) : body, headers: { 'content-type': 'application/octet-stream' } });
const read = (path: string) => api.request('GET', path, { key: tenant.keys.marketing });
const NOVEMBER = 'from=2026-11-01&to=2026-11-30';

const GOOGLE = [
  'Campaign report',
  'November 1, 2026 - November 30, 2026',
  'Day\tCampaign\tCampaign ID\tCurrency code\tCost',
  '2026-11-02\tSpring Sale\t9001\tUSD\t1,200.50',
  '2026-11-03\tSpring Sale\t9001\tUSD\t99.50',
  '2026-11-03\tDisplay Remarketing\t9002\tUSD\t10.00',
  'Total: Account\t\t\t\t1,310.00',
  'Total: Campaigns\t\t\t\t1,310.00',
].join('\r\n');

const META = [
  'Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD)',
  '2026-11-02,2026-11-02,FB Prospecting (Nov),120210000000001,40.00',
  '2026-11-03,2026-11-03,FB Prospecting (Nov),120210000000001,60.00',
].join('\n');

const MICROSOFT = [
  '"Report Name: Campaign performance"',
  '"Report Time: 12/1/2026"',
  '"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"',
  '',
  '"Gregorian date","Account name","Campaign name","Campaign ID","Currency code","Spend"',
  '"2026-11-04","Acme Bing","Brand Exact Match","555","USD","25.00"',
  '"2026-11-05","Acme Bing","Brand Exact Match","555","USD","--"',
  '',
  '"©2026 Microsoft Corporation. All rights reserved. "',
].join('\r\n');

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ timezone: 'UTC' });
  const touch = (touchId: string, customerId: string, url: string) => ({ touchId, occurredAt: '2026-11-02T09:00:00Z', person: { customerId }, kind: 'click', url });
  await api.request('POST', '/v1/touches', {
    key: tenant.keys.ingest,
    json: {
      touches: [
        touch('g', 'gina', 'https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=Spring%20Sale'),
        touch('m', 'milo', 'https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=prospecting-nov&utm_id=120210000000001'),
        touch('b', 'bea', 'https://shop.example/?utm_source=bing&utm_medium=cpc&utm_campaign=brand-exact'),
      ],
    },
  });
  for (const [customerId, gross] of [
    ['gina', '500.00'],
    ['milo', '300.00'],
    ['bea', '100.00'],
  ] as const) {
    await api.request('POST', '/v1/transactions', {
      key: tenant.keys.ingest,
      json: { transactionId: `o-${customerId}`, kind: 'order', occurredAt: '2026-11-03T12:00:00Z', person: { customerId }, currency: 'USD', gross },
    });
  }
  await api.settle();
});
afterAll(() => api.close());

describe('POST /v1/spend/imports, the join and the audit (SPEC §12)', () => {
  it('imports Google’s UTF-16 file as downloaded: preamble kept, totals rows skipped, profile detected', async () => {
    const imported = await upload('', utf16le(GOOGLE));
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({
      profile: 'google_ads',
      account: 'default',
      encoding: 'utf-16le',
      delimiter: '\t',
      dayZone: 'account',
      preamble: ['Campaign report', 'November 1, 2026 - November 30, 2026'],
      currencies: ['USD'],
      days: { from: '2026-11-02', to: '2026-11-03' },
      rows: 3,
      lines: 3,
      campaigns: 2,
      totals: [{ currency: 'USD', cost: 131000, costDecimal: '1310.00' }],
      replaced: 0,
      skipped: { blank: 0, totals: 2, footer: 0 },
    });
  });

  it('puts matched spend on the campaign’s row and carries what matched nothing in unmatchedCost', async () => {
    const report = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=campaign`);
    expect(report.body.rows.find((row: { key: string }) => row.key === 'spring sale')).toEqual({
      key: 'spring sale',
      currency: 'USD',
      revenue: 50000,
      conversions: 1,
      touches: 1,
      cost: 130000,
      roas: 0.3846,
      cpa: 130000,
    });
    expect(report.body.totals).toEqual([{ currency: 'USD', revenue: 90000, attributed: 90000, unattributed: 0, transactions: 3, cost: 131000, unmatchedCost: 1000, roas: 0.687 }]);
    const channels = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=channel`);
    expect(channels.body.rows.find((row: { key: string }) => row.key === 'Paid Search')).toMatchObject({ revenue: 60000, cost: 130000 });
  });

  it('audits: spend that matched no touch, campaigns with revenue but no spend', async () => {
    const audit = await read(`/v1/spend/audit?${NOVEMBER}`);
    expect(audit.status).toBe(200);
    expect(audit.body.unmatchedSpend).toEqual([
      {
        platform: 'google_ads',
        account: 'default',
        campaignId: '9002',
        campaign: 'Display Remarketing',
        currency: 'USD',
        cost: 1000,
        costDecimal: '10.00',
        days: 1,
        firstDay: '2026-11-03',
        lastDay: '2026-11-03',
      },
    ]);
    expect(audit.body.campaignsWithoutSpend.map((row: { campaign: string }) => row.campaign).sort()).toEqual(['brand-exact', 'prospecting-nov']);
    expect(audit.body.spend).toEqual([{ platform: 'google_ads', currency: 'USD', cost: 131000, matchedCost: 130000, unmatchedCost: 1000 }]);
  });

  it('matches Meta’s spend by the campaign id its ads carry as utm_id, whatever the names', async () => {
    const imported = await upload('?profile=meta', META);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ profile: 'meta', currencies: ['USD'], lines: 2 });
    const report = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=campaign`);
    expect(report.body.rows.find((row: { key: string }) => row.key === 'prospecting-nov')).toMatchObject({ revenue: 30000, cost: 10000, roas: 3 });
    const channels = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=channel`);
    expect(channels.body.rows.find((row: { key: string }) => row.key === 'Paid Social')).toMatchObject({ revenue: 30000, cost: 10000 });
  });

  it('matches Microsoft’s campaign once the tenant maps it', async () => {
    const imported = await upload('?profile=auto', MICROSOFT);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ profile: 'microsoft', account: 'Acme Bing', lines: 2, skipped: { footer: 1 } });
    expect(imported.body.preamble[0]).toContain('Report Name: Campaign performance');
    const before = await read(`/v1/spend/audit?${NOVEMBER}`);
    expect(before.body.unmatchedSpend.map((row: { campaign: string }) => row.campaign)).toContain('Brand Exact Match');

    const mapped = await api.request('PUT', '/v1/spend/mappings', { key: tenant.keys.marketing, json: { mappings: [{ campaign: 'Brand-Exact', campaignId: '555', platform: 'microsoft' }] } });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    expect(mapped.body.mappings).toEqual([{ campaign: 'brand-exact', campaignId: '555', platform: 'microsoft' }]);
    expect(mapped.body.aliasesInEffect.microsoft).toEqual(['bing', 'microsoft']);
    expect(mapped.body.aliases).toEqual({});
    expect((await read('/v1/spend/mappings')).body.mappings).toEqual(mapped.body.mappings);

    const report = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=campaign`);
    expect(report.body.rows.find((row: { key: string }) => row.key === 'brand-exact')).toMatchObject({ revenue: 10000, cost: 2500 });
    const after = await read(`/v1/spend/audit?${NOVEMBER}`);
    expect(after.body.unmatchedSpend.map((row: { campaign: string }) => row.campaign)).toEqual(['Display Remarketing']);
    expect(after.body.campaignsWithoutSpend).toEqual([]);
  });

  it('replaces on re-import, the same file or an overlapping range with a restated day: never counts twice', async () => {
    const again = await upload('?profile=google_ads', utf16le(GOOGLE));
    expect(again.body.replaced).toBe(3);
    const restated = GOOGLE.replace('2026-11-03\tSpring Sale\t9001\tUSD\t99.50', '2026-11-03\tSpring Sale\t9001\tUSD\t199.50')
      .split('\r\n')
      .filter((row) => !row.startsWith('2026-11-02'))
      .join('\r\n');
    const overlap = await upload('?profile=google_ads', utf16le(restated));
    expect(overlap.body).toMatchObject({ days: { from: '2026-11-03', to: '2026-11-03' }, lines: 2, replaced: 2 });
    const report = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=campaign`);
    expect(report.body.rows.find((row: { key: string }) => row.key === 'spring sale')?.cost).toBe(140000);
    const listed = await read('/v1/spend/imports');
    expect(listed.body.imports.map((record: { profile: string }) => record.profile)).toEqual(['google_ads', 'google_ads', 'microsoft', 'meta', 'google_ads']);
  });

  it('keeps the campaigns a re-import of a day leaves out, and loses neither of two imports of the same days at once', async () => {
    const only = (campaign: string, cost: string) => `Date,Campaign,Currency,Cost\n2026-11-20,${campaign},USD,${cost}\n2026-11-21,${campaign},USD,${cost}\n`;
    const [a, b] = await Promise.all([upload('?profile=generic', only('Alpha', '1.00')), upload('?profile=generic', only('Beta', '2.00'))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const filtered = await upload('?profile=generic', 'Date,Campaign,Currency,Cost\n2026-11-20,Alpha,USD,5.00\n');
    expect(filtered.body.replaced).toBe(1);
    const totals = await read('/v1/attribution/report?from=2026-11-20&to=2026-11-21&model=last_touch&groupBy=campaign');
    // Alpha 5.00 + 1.00, Beta 2.00 + 2.00: nothing lost, nothing counted twice
    expect(totals.body.totals).toEqual([{ currency: 'USD', revenue: 0, attributed: 0, unattributed: 0, transactions: 0, cost: 1000, unmatchedCost: 1000, roas: 0 }]);
  });

  it('refuses a bad file whole with 422, every bad line named, and stores nothing of it', async () => {
    const before = await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=campaign`);
    const bad = await upload('?profile=generic', 'Date,Campaign,Currency,Cost\n2026-11-10,Spring Sale,USD,10.00\n2026-11-11,Spring Sale,USD,-5.00\n2026-11-01 - 2026-11-30,Spring Sale,USD,1.00\n');
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_file');
    expect(bad.body.error.details.map((detail: { line: number }) => detail.line)).toEqual([3, 4]);
    expect(await read(`/v1/attribution/report?${NOVEMBER}&model=last_touch&groupBy=campaign`)).toMatchObject({ body: { rows: before.body.rows, totals: before.body.totals } });

    for (const [query, body, line] of [
      ['', '', 0],
      ['', Buffer.from([0xef, 0xbb, 0xbf, 0x44, 0x61, 0x74, 0x65, 0xff, 0xfe, 0x0a]), 0],
      ['?profile=generic', 'Date,Campaign,Cost\n2026-11-10,Spring,10.00\n', 0],
      ['?profile=generic&currency=USD', 'Date,Campaign,Cost\n2026-11-10,Spring,"1,234"\n', 2],
      ['?profile=google_ads', 'Campaign,Clicks\nSpring,3\n', 0],
    ] as const) {
      const refused = await upload(query, body);
      expect(refused.status, `${query} ${String(body).slice(0, 40)}: ${JSON.stringify(refused.body)}`).toBe(422);
      expect(refused.body.error.details[0].line).toBe(line);
    }
  });

  it('answers 413 with the limit for a file over 4 MiB, 400 for an unknown profile, and only to keys that may import', async () => {
    const huge = await upload('?profile=generic', Buffer.alloc(4 * 1024 * 1024 + 1, 0x41));
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toContain(String(4 * 1024 * 1024));
    expect((await upload('?profile=snapchat', META)).status).toBe(400);
    expect((await upload('?profile=meta', META, tenant.keys.finance)).status).toBe(403);
    expect((await upload('?profile=meta', META, tenant.keys.ingest)).status).toBe(200);
    expect(
      (
        await api.request('PUT', '/v1/spend/mappings', {
          key: tenant.keys.marketing,
          json: {
            mappings: [
              { campaign: 'a', campaignId: '1' },
              { campaign: 'A', campaignId: '2' },
            ],
          },
        })
      ).status,
    ).toBe(400);
  });
});
