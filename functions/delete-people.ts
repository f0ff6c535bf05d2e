import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { ErasureQuerySchema, erasePerson } from '#shared/privacy/erasure.ts';

const deps = stores();

/** Erases the person the query's ids name (SPEC §10); answers what it erased, as the erasure log keeps it. */
export const handler = keyHandler('delete-people', async (request) => json(200, await erasePerson(deps, request.tenantId, request.query(ErasureQuerySchema))));
