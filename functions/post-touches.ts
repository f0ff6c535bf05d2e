import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { TouchBatchSchema } from '#shared/api/contract.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { recordTouches } from '#shared/recording/use-cases.ts';

const deps = stores();

export const handler = keyHandler('post-touches', async (request) => json(202, await recordTouches(deps, request.tenantId, request.json(TouchBatchSchema).touches)));
