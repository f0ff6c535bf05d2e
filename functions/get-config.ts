import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '#shared/adapters/dynamodb/tenant-store.ts';
import { config } from '#shared/config.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { getConfig } from '#shared/tenants/use-cases.ts';

const tenants = new DynamoTenantStore(documentClient(), config().TABLE_NAME);

export const handler = keyHandler('get-config', async (request) => json(200, await getConfig(tenants, request.tenantId)));
