import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { SalesQuerySchema, salesReport } from '#shared/read-models/views.ts';

const deps = stores();

export const handler = keyHandler('get-sales-report', async (request) => json(200, await salesReport(deps, request.tenantId, request.query(SalesQuerySchema))));
