import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { DynamoFxRateStore } from '../../shared/adapters/dynamodb/fx-rate-store.ts';
import { config } from '../../shared/config.ts';
import { MAX_FX_BODY_BYTES } from '../../shared/fx/use-cases.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { recordRequests } from '../support/requests.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  tenant = await newTenant({ currency: 'USD', timezone: 'UTC' });
});
afterAll(() => api.close());

const putJson = (json: unknown, key = tenant.keys.finance) => api.request('PUT', '/v1/fx-rates', { key, json });
const putCsv = (body: string, key = tenant.keys.finance) => api.request('PUT', '/v1/fx-rates', { key, body, headers: { 'content-type': 'text/csv; charset=utf-8' } });
const list = (from: string, to: string, key = tenant.keys.marketing) => api.request('GET', `/v1/fx-rates?from=${from}&to=${to}`, { key });

describe('PUT and GET /v1/fx-rates', () => {
  it('stores JSON rates and lists them with the settings that use them', async () => {
    const put = await putJson({
      rates: [
        { day: '2025-01-06', base: 'EUR', quote: 'USD', rate: '1.0400' },
        { day: '2025-01-06', base: 'USD', quote: 'JPY', rate: '157.5' },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ received: 2, changed: 2, from: '2025-01-06', to: '2025-01-06', affected: { from: '2025-01-06', to: '2025-01-13' }, jobs: [] });

    const got = await list('2025-01-01', '2025-01-31');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      from: '2025-01-01',
      to: '2025-01-31',
      reportingCurrency: null,
      fxMaxAgeDays: 7,
      rates: [
        { day: '2025-01-06', base: 'EUR', quote: 'USD', rate: '1.04' },
        { day: '2025-01-06', base: 'USD', quote: 'JPY', rate: '157.5' },
      ],
    });
  });

  it('stores an ECB CSV (trailing column, N/A), across months, and reads a period in one Query', async () => {
    const csv = ['Date,USD,JPY,GBP,', '2025-02-03,1.0335,160.12,0.8344,', '2025-01-31,1.0393,160.66,N/A,', '2025-01-30,N/A,N/A,N/A,'].join('\n');
    const put = await putCsv(csv);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ received: 5, changed: 5, from: '2025-01-31', to: '2025-02-03', affected: { from: '2025-01-31', to: '2025-02-10' }, jobs: [] });

    let got: Awaited<ReturnType<typeof list>> | undefined;
    const requests = await recordRequests(async () => {
      got = await list('2025-01-31', '2025-02-28');
    });
    expect(requests.filter((request) => request.command === 'QueryCommand')).toHaveLength(1);
    expect(requests.some((request) => request.command === 'ScanCommand')).toBe(false);
    expect(got!.body.rates).toEqual([
      { day: '2025-01-31', base: 'EUR', quote: 'JPY', rate: '160.66' },
      { day: '2025-01-31', base: 'EUR', quote: 'USD', rate: '1.0393' },
      { day: '2025-02-03', base: 'EUR', quote: 'GBP', rate: '0.8344' },
      { day: '2025-02-03', base: 'EUR', quote: 'JPY', rate: '160.12' },
      { day: '2025-02-03', base: 'EUR', quote: 'USD', rate: '1.0335' },
    ]);
  });

  it('replaces a rate on a re-PUT (an edit), and counts an unchanged one as no change', async () => {
    const edit = await putCsv('Date,USD,JPY\n2025-02-03,1.0340,160.12\n');
    expect(edit.body).toEqual({ received: 2, changed: 1, from: '2025-02-03', to: '2025-02-03', affected: { from: '2025-02-03', to: '2025-02-10' }, jobs: [] });
    const same = await putJson({ rates: [{ day: '2025-02-03', base: 'EUR', quote: 'USD', rate: '1.034' }] });
    expect(same.body).toMatchObject({ changed: 0, affected: null });
    const got = await list('2025-02-03', '2025-02-03');
    expect(got.body.rates.filter((rate: { quote: string }) => rate.quote === 'USD')).toEqual([{ day: '2025-02-03', base: 'EUR', quote: 'USD', rate: '1.034' }]);
  });

  it('lands two PUTs into the same month at once', async () => {
    const days = Array.from({ length: 6 }, (_, index) => `2025-03-${String(index + 10).padStart(2, '0')}`);
    const answers = await Promise.all(days.map((day, index) => putJson({ rates: [{ day, base: 'EUR', quote: 'CHF', rate: `0.9${index + 1}` }] })));
    expect(answers.map((answer) => answer.status)).toEqual(days.map(() => 200));
    const got = await list('2025-03-01', '2025-03-31');
    expect(got.body.rates).toEqual(days.map((day, index) => ({ day, base: 'EUR', quote: 'CHF', rate: `0.9${index + 1}` })));
  });
});

describe('the DynamoDB store', () => {
  it('merges again when another write lands between its read and its write, so both land', async () => {
    const client = createDocumentClient();
    const rival = new DynamoFxRateStore(createDocumentClient(), config().TABLE_NAME);
    const store = new DynamoFxRateStore(client, config().TABLE_NAME);
    const commands: string[] = [];
    let rivalled = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = (context.commandName ?? '?').replace('Item', ''); // PutItemCommand and PutCommand alike
        commands.push(command);
        if (command === 'PutCommand' && !rivalled) {
          rivalled = true;
          await rival.put(tenant.tenantId, [{ day: '2025-06-02', base: 'EUR', quote: 'SEK', rate: '11.1' }]);
        }
        return next(args);
      },
      { step: 'initialize', name: 'rivalWrite' },
    );
    await rival.put(tenant.tenantId, [{ day: '2025-06-01', base: 'EUR', quote: 'SEK', rate: '11' }]);
    const answer = await store.put(tenant.tenantId, [
      { day: '2025-06-03', base: 'EUR', quote: 'SEK', rate: '11.2' },
      { day: '2025-06-01', base: 'EUR', quote: 'SEK', rate: '11.05' },
    ]);
    expect(answer).toEqual({ changed: 2, changedDays: ['2025-06-01', '2025-06-03'] });
    // read, a write that lost the race, the month read again, the write
    expect(commands).toEqual(['BatchGetCommand', 'PutCommand', 'GetCommand', 'PutCommand']);
    expect(await store.between(tenant.tenantId, '2025-06-01', '2025-06-30')).toEqual([
      { day: '2025-06-01', base: 'EUR', quote: 'SEK', rate: '11.05' },
      { day: '2025-06-02', base: 'EUR', quote: 'SEK', rate: '11.1' },
      { day: '2025-06-03', base: 'EUR', quote: 'SEK', rate: '11.2' },
    ]);
  });
});

describe('what PUT /v1/fx-rates refuses', () => {
  it('answers 401 without a key and 403 to a key without the scope', async () => {
    const rates = { rates: [{ day: '2025-01-06', base: 'EUR', quote: 'USD', rate: '1.04' }] };
    expect((await api.request('PUT', '/v1/fx-rates', { json: rates })).status).toBe(401);
    expect((await putJson(rates, tenant.keys.marketing)).status).toBe(403);
    expect((await putJson(rates, tenant.keys.ingest)).status).toBe(403);
    expect((await putJson(rates, tenant.keys.admin)).status).toBe(200);
    expect((await api.request('GET', '/v1/fx-rates?from=2025-01-01&to=2025-01-31')).status).toBe(401);
    expect((await list('2025-01-01', '2025-01-31', tenant.keys.ingest)).status).toBe(403);
    expect((await list('2025-01-01', '2025-01-31', tenant.keys.finance)).status).toBe(200);
  });

  it('answers 400 to malformed JSON or a body without rates, 422 naming each bad rate, and stores nothing', async () => {
    const malformed = await api.request('PUT', '/v1/fx-rates', { key: tenant.keys.finance, body: '{"rates": [', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
    expect((await putJson({ rate: [] })).status).toBe(400);

    const bad = await putJson({
      rates: [
        { day: '2025-04-01', base: 'EUR', quote: 'USD', rate: '1.08' },
        { day: '2025-04-01', base: 'EUR', quote: 'ABC', rate: '1.08' },
        { day: '2025-04-01', base: 'EUR', quote: 'GBP', rate: '-0.8' },
        { day: '2025-04-01', base: 'EUR', quote: 'USD', rate: '1.09' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_file');
    expect(bad.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['rates.1.quote', 'rates.2.rate', 'rates.3']);
    expect((await list('2025-04-01', '2025-04-30')).body.rates).toEqual([]);
  });

  it('answers 422 naming the bad lines of a CSV', async () => {
    const bad = await putCsv('Date,USD,XYZ\n2025-04-02,1.08,2\n2025-04-03,abc,N/A\n');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([
      { path: 'line.2', line: 2, code: 'unknown_currency', message: 'XYZ: not a known ISO 4217 currency, yet the line gives it a rate (2)' },
      { path: 'line.3', line: 3, code: 'invalid_value', message: 'USD: "abc" is not a decimal rate such as 1.0921 (digits, one point, no sign or exponent)' },
    ]);
    expect((await list('2025-04-01', '2025-04-30')).body.rates).toEqual([]);
  });

  it('answers 413 over 2 MiB and 415 to a body neither JSON nor CSV', async () => {
    const huge = await putCsv(`Date,USD\n${'2025-04-02,1.08\n'.repeat(Math.ceil(MAX_FX_BODY_BYTES / 16) + 1)}`);
    expect(huge.status).toBe(413);
    const xml = await api.request('PUT', '/v1/fx-rates', { key: tenant.keys.finance, body: '<rates/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('unsupported_media_type');
    const none = await api.request('PUT', '/v1/fx-rates', { key: tenant.keys.finance, body: 'Date,USD\n2025-04-02,1.08\n' });
    expect(none.status).toBe(415);
  });

  it('answers 400 to a period over 366 days or out of order', async () => {
    expect((await list('2025-01-01', '2026-01-02')).status).toBe(400);
    expect((await list('2025-02-01', '2025-01-01')).status).toBe(400);
  });
});

describe('the reporting currency and fxMaxAgeDays in the config', () => {
  it('takes them, lists them with the rates, answers the affected days with them, and refuses an unknown currency', async () => {
    const patch = (json: unknown) => api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json });
    const set = await patch({ reportingCurrency: 'EUR', fxMaxAgeDays: 3 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ reportingCurrency: 'EUR', fxMaxAgeDays: 3 });
    expect((await list('2025-01-01', '2025-01-02')).body).toMatchObject({ reportingCurrency: 'EUR', fxMaxAgeDays: 3 });
    const put = await putJson({ rates: [{ day: '2025-05-02', base: 'EUR', quote: 'USD', rate: '1.13' }] });
    expect(put.body.affected).toEqual({ from: '2025-05-02', to: '2025-05-05' });

    const unknown = await patch({ reportingCurrency: 'ABC' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('reportingCurrency');
    expect((await patch({ fxMaxAgeDays: 32 })).status).toBe(400);
    const unset = await patch({ reportingCurrency: null, fxMaxAgeDays: null });
    expect(unset.body).toMatchObject({ reportingCurrency: null, fxMaxAgeDays: null });
    expect((await list('2025-01-01', '2025-01-02')).body).toMatchObject({ reportingCurrency: null, fxMaxAgeDays: 7 });
  });
});
