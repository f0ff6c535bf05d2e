import { keyHandler, tenantStore } from '../../http/handler.ts';
import { AttributionConfigPatchSchema } from '../../tenants/attribution-config.ts';
import { patchConfig } from '../../tenants/use-cases.ts';
import { ProblemSchema } from '../responses/common.ts';
import { ConfigChangeSchema } from '../responses/tenants.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'PATCH',
  path: '/v1/config',
  handler: 'patch-config',
  access: { kind: 'key', scopes: ['admin'] },
  table: 'readWrite',
  summary: 'Change the fields of the configuration it names',
  body: AttributionConfigPatchSchema,
  responses: {
    200: { description: 'The configuration after the change, and whether what is already counted needs a recompute', schema: ConfigChangeSchema },
    409: { description: 'Another change landed meanwhile; read and retry', schema: ProblemSchema },
  },
});

export const handler = keyHandler(route, async (request) => respond(route, 200, await patchConfig(tenantStore(), request.tenantId, request.json(route.body))));
