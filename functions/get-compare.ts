import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { compare, CompareQuerySchema } from '#shared/attribution/reports.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';

const deps = stores();

export const handler = keyHandler('get-compare', async (request) => json(200, await compare(deps, request.tenantId, request.query(CompareQuerySchema))));
