import * as z from 'zod';
import { publishableTenant } from '../../auth/publishable.ts';
import { corsHeaders } from '../../collect/collect.ts';
import { ForbiddenError } from '../../errors.ts';
import { openHandler, tenantStore } from '../../http/handler.ts';
import { defineRoute } from '../route.ts';

export const route = defineRoute({
  method: 'OPTIONS',
  path: '/v1/collect',
  handler: 'collect-preflight',
  access: { kind: 'publishable' },
  table: 'read',
  summary: 'CORS preflight for the tenant’s allowed origins (`?key=` names the tenant)',
  query: z.object({ key: z.string().optional().describe('The publishable key, so the preflight knows the tenant (without it: 403)') }),
  responses: { 204: { description: 'CORS headers for an allowed origin' } },
});

export const handler = openHandler(route, async (request) => {
  const { key } = request.query(route.query);
  const tenant = key ? await publishableTenant(tenantStore(), key) : undefined;
  const headers = tenant ? corsHeaders(tenant, request.header('origin')) : undefined;
  if (!headers) throw new ForbiddenError('No CORS for this origin: name the publishable key in ?key= and add the origin to allowedOrigins.');
  return { statusCode: 204, headers, body: '' };
});
