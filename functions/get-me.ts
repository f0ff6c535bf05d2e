import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '#shared/adapters/dynamodb/tenant-store.ts';
import { describeKey } from '#shared/auth/whoami.ts';
import { config } from '#shared/config.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';

const tenants = new DynamoTenantStore(documentClient(), config().TABLE_NAME);

export const handler = keyHandler('get-me', async (request) => json(200, await describeKey(tenants, request.tenantId, request.scopes)));
