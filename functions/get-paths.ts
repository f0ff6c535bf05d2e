import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { PathsQuerySchema, paths } from '#shared/read-models/views.ts';

const deps = stores();

export const handler = keyHandler('get-paths', async (request) => json(200, await paths(deps, request.tenantId, request.query(PathsQuerySchema))));
