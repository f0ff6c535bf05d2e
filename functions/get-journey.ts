import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { JourneyQuerySchema } from '#shared/api/contract.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { journey } from '#shared/recording/use-cases.ts';

const deps = stores();

export const handler = keyHandler('get-journey', async (request) => json(200, await journey(deps, request.tenantId, request.query(JourneyQuerySchema))));
