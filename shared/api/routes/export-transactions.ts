import { stores } from '../../adapters/dynamodb/stores.ts';
import { ExportQuerySchema, exportTransactions } from '../../exports/export.ts';
import { streamingKeyHandler } from '../../http/streaming.ts';
import { requireTenant } from '../../tenants/use-cases.ts';
import { defineRoute } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/exports/transactions',
  handler: 'export-transactions',
  access: { kind: 'key', scopes: ['finance'] },
  table: 'read',
  summary: 'One line per order, refund and cancellation, CSV (raw, or for Excel) or NDJSON, streamed',
  streaming: true,
  query: ExportQuerySchema,
  responses: {
    200: {
      description:
        'One line per order, refund and cancellation in (occurredAt, transactionId) order; flavor=excel gives a CSV Excel opens as it is (byte-order mark, decimal amounts, local date-times). With limit, X-Next-Cursor names the next page (absent on the last). On AWS served by the export function URL (response streaming).',
      text: ['text/csv', 'application/x-ndjson'],
    },
  },
});

/** The export, written to a sink as DynamoDB pages arrive: the function URL's handler (functions/export-transactions.ts) and the local server run it. */
export const stream = streamingKeyHandler(route, async (request) => {
  const deps = stores();
  const query = request.query(route.query);
  const page = await exportTransactions(deps, await requireTenant(deps.tenants, request.tenantId), query);
  return {
    statusCode: 200,
    headers: {
      'content-type': page.contentType,
      'content-disposition': page.contentDisposition,
      'cache-control': 'no-store',
      ...(page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {}),
    },
    body: page.body,
  };
});
