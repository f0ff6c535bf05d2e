import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { recompute, RecomputeBodySchema } from '#shared/attribution/reports.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';

const deps = stores();

export const handler = keyHandler('post-recompute', async (request) => json(200, await recompute(deps, request.tenantId, request.json(RecomputeBodySchema))));
