import { describeKey } from '../../auth/whoami.ts';
import { keyHandler, tenantStore } from '../../http/handler.ts';
import { KeyViewSchema } from '../responses/tenants.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/me',
  handler: 'get-me',
  access: { kind: 'key', scopes: ['ingest', 'marketing', 'finance', 'admin'] },
  table: 'read',
  summary: 'The calling key: its tenant, its scope, the tenant’s currency and time zone',
  responses: { 200: { description: 'Who the key is: what a client such as the dashboard needs to choose its views and its days', schema: KeyViewSchema } },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await describeKey(tenantStore(), request.tenantId, request.scopes)));
