import { stores } from '../../adapters/dynamodb/stores.ts';
import { CustomersExportQuerySchema, exportCustomers } from '../../exports/customers.ts';
import { streamingKeyHandler } from '../../http/streaming.ts';
import { requireTenant } from '../../tenants/use-cases.ts';
import { defineRoute } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/exports/customers',
  handler: 'export-customers',
  access: { kind: 'key', scopes: ['finance', 'marketing'] },
  table: 'read',
  summary: 'One line per customer in the columns BTYD tools expect (frequency, recency, T, monetary_value), CSV or NDJSON, streamed',
  streaming: true,
  query: CustomersExportQuerySchema,
  responses: {
    200: {
      description:
        'customer (a keyed hash), cohort, first_order, acquiring_channel, currency, frequency (repeat purchase days), recency and T (days), monetary_value (mean net of the repeat purchase days), as of asOf. On AWS served by the export function URL (response streaming).',
      text: ['text/csv', 'application/x-ndjson'],
    },
  },
});

/** The export, written to a sink as the listing's pages arrive: the function URL's handler (functions/export-customers.ts) and the local server run it. */
export const stream = streamingKeyHandler(route, async (request) => {
  const deps = stores();
  const answer = exportCustomers(deps, await requireTenant(deps.tenants, request.tenantId), request.query(route.query));
  return {
    statusCode: 200,
    headers: { 'content-type': answer.contentType, 'content-disposition': answer.contentDisposition, 'cache-control': 'no-store' },
    body: answer.body,
  };
});
