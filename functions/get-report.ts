import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { report, ReportQuerySchema } from '#shared/attribution/reports.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';

const deps = stores();

export const handler = keyHandler('get-report', async (request) => json(200, await report(deps, request.tenantId, request.query(ReportQuerySchema))));
