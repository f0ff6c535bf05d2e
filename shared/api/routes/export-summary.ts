import { stores } from '../../adapters/dynamodb/stores.ts';
import { SummaryQuerySchema, summarise } from '../../exports/export.ts';
import { keyHandler } from '../../http/handler.ts';
import { requireTenant } from '../../tenants/use-cases.ts';
import { ExportSummarySchema } from '../responses/exports.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/exports/transactions/summary',
  handler: 'export-summary',
  access: { kind: 'key', scopes: ['finance'] },
  table: 'read',
  summary: 'Per currency, the sums of the export’s lines',
  query: SummaryQuerySchema,
  responses: { 200: { description: 'Per currency, the sums of the export’s lines, and each kind’s', schema: ExportSummarySchema } },
});

export const handler = keyHandler(route, async (request) => {
  const deps = stores();
  return respond(route, 200, await summarise(deps, await requireTenant(deps.tenants, request.tenantId), request.query(route.query)));
});
