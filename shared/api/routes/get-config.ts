import { keyHandler, tenantStore } from '../../http/handler.ts';
import { getConfig } from '../../tenants/use-cases.ts';
import { ConfigViewSchema } from '../responses/tenants.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/config',
  handler: 'get-config',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'read',
  summary: "The tenant's attribution configuration",
  responses: { 200: { description: 'The attribution configuration', schema: ConfigViewSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await getConfig(tenantStore(), request.tenantId)));
