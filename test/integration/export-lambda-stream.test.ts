import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionLoader } from '../../scripts/local/handlers.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { apiEvent, context } from '../support/events.ts';

/**
 * The function URL path: Lambda's `awslambda` streaming API stood in by a
 * recorder, so the handler the stack deploys is run as Lambda would run it.
 */
const metadata: Array<{ statusCode: number; headers: Record<string, string> }> = [];
vi.stubGlobal('awslambda', {
  streamifyResponse: (fn: unknown) => fn,
  HttpResponseStream: {
    from: (stream: Writable, meta: { statusCode: number; headers: Record<string, string> }) => {
      metadata.push(meta);
      return stream;
    },
  },
});

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  tenant = await newTenant();
  for (let i = 1; i <= 3; i += 1) {
    await api.request('POST', '/v1/transactions', {
      key: tenant.keys.ingest,
      json: { transactionId: `fu-${i}`, kind: 'order', occurredAt: `2026-11-0${i}T10:00:00Z`, person: { customerId: 'fu' }, currency: 'USD', gross: '1.00' },
    });
  }
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await api.close();
});

function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('the export function behind its URL (response streaming)', () => {
  it('checks the key itself and streams the lines with the status and headers first', async () => {
    // A cold start of the function, after `awslambda` is there: as Lambda loads it.
    const { handler } = await functionLoader().loadModule('export-transactions');
    expect(handler).toBeTypeOf('function');
    const invoke = handler as unknown as (event: unknown, stream: Writable, ctx: unknown) => Promise<void>;

    const ok = collector();
    await invoke(
      apiEvent({ rawPath: '/v1/exports/transactions', headers: { authorization: `Bearer ${tenant.keys.finance}` }, queryStringParameters: { from: '2026-11-01', to: '2026-11-30', format: 'ndjson' } }),
      ok.stream,
      context,
    );
    expect(metadata.at(-1)).toMatchObject({ statusCode: 200, headers: { 'content-type': expect.stringContaining('ndjson') } });
    expect(
      ok
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).transactionId),
    ).toEqual(['fu-1', 'fu-2', 'fu-3']);

    const denied = collector();
    await invoke(
      apiEvent({ rawPath: '/v1/exports/transactions', headers: { authorization: `Bearer ${tenant.keys.marketing}` }, queryStringParameters: { from: '2026-11-01', to: '2026-11-30' } }),
      denied.stream,
      context,
    );
    expect(metadata.at(-1)?.statusCode).toBe(403);
    expect(JSON.parse(denied.text()).error.code).toBe('forbidden');

    const anonymous = collector();
    await invoke(apiEvent({ rawPath: '/v1/exports/transactions', queryStringParameters: { from: '2026-11-01', to: '2026-11-30' } }), anonymous.stream, context);
    expect(metadata.at(-1)?.statusCode).toBe(401);
  });
});
