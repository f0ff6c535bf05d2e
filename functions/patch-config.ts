import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoTenantStore } from '#shared/adapters/dynamodb/tenant-store.ts';
import { config } from '#shared/config.ts';
import { keyHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { AttributionConfigPatchSchema } from '#shared/tenants/attribution-config.ts';
import { patchConfig } from '#shared/tenants/use-cases.ts';

const tenants = new DynamoTenantStore(documentClient(), config().TABLE_NAME);

export const handler = keyHandler('patch-config', async (request) => json(200, await patchConfig(tenants, request.tenantId, request.json(AttributionConfigPatchSchema))));
