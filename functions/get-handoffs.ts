import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { HandoffsQuerySchema, handoffs } from '#shared/read-models/views.ts';

const deps = stores();

export const handler = keyHandler('get-handoffs', async (request) => json(200, await handoffs(deps, request.tenantId, request.query(HandoffsQuerySchema))));
