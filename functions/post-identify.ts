import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { IdentifyInputSchema } from '#shared/recording/stages.ts';
import { identify } from '#shared/recording/use-cases.ts';

const deps = stores();

export const handler = keyHandler('post-identify', async (request) => json(202, await identify(deps, request.tenantId, request.json(IdentifyInputSchema))));
