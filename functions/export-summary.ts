import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { SummaryQuerySchema, summarise } from '#shared/exports/export.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { requireTenant } from '#shared/tenants/use-cases.ts';

const deps = stores();

export const handler = keyHandler('export-summary', async (request) =>
  json(200, await summarise(deps.timeline, await requireTenant(deps.tenants, request.tenantId), request.query(SummaryQuerySchema))),
);
