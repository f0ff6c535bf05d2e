import * as z from 'zod';
import { TRACKER_SCRIPT } from '../../../tracker/dist/tracker.generated.ts';
import { publishableTenant } from '../../auth/publishable.ts';
import { unknownPublishableKey } from '../../collect/collect.ts';
import { openHandler, tenantStore } from '../../http/handler.ts';
import { ProblemSchema } from '../responses/common.ts';
import { defineRoute } from '../route.ts';

export const route = defineRoute({
  method: 'GET',
  path: '/v1/baton.js',
  handler: 'get-tracker',
  access: { kind: 'public' },
  table: 'read',
  summary: 'The browser tracker, with the settings of the publishable key in `?key=`',
  query: z.object({ key: z.string().optional().describe('The tenant’s publishable key (pk_…); without a valid one: 401') }),
  responses: {
    200: { description: 'The tracker script with the tenant’s collection settings', text: ['text/javascript'] },
    401: { description: 'No key, or an unknown or rotated publishable key', schema: ProblemSchema },
  },
});

/**
 * The tracker (built by `npm run build` from tracker/baton.ts), after one
 * line with the settings of the key's tenant, so one script tag is all a
 * store pastes. Cached by browsers and CDNs for five minutes: a consent
 * setting changes everywhere within that.
 */
export const handler = openHandler(route, async (request) => {
  const { key } = request.query(route.query);
  const tenant = key ? await publishableTenant(tenantStore(), key) : undefined;
  if (!tenant || !key) throw unknownPublishableKey();
  const settings = JSON.stringify({ key, consentRequired: tenant.config.consentRequired });
  return {
    statusCode: 200,
    // Served to other sites' pages: cross-origin loads allowed (storefronts with COEP), sniffing not.
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'cross-origin' },
    body: `window.__batonSettings=${settings};\n${TRACKER_SCRIPT}`,
  };
});
