import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { FunnelQuerySchema, funnel } from '#shared/read-models/views.ts';

const deps = stores();

export const handler = keyHandler('get-funnel', async (request) => json(200, await funnel(deps, request.tenantId, request.query(FunnelQuerySchema))));
