import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { ErasureLogQuerySchema, erasureLog } from '#shared/privacy/erasure.ts';

const deps = stores();

export const handler = keyHandler('get-erasures', async (request) => json(200, await erasureLog(deps, request.tenantId, request.query(ErasureLogQuerySchema))));
