import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { publishableTenant } from '#shared/auth/publishable.ts';
import { unknownPublishableKey } from '#shared/collect/collect.ts';
import { openHandler } from '#shared/http/handler.ts';
import { TRACKER_SCRIPT } from '../tracker/dist/tracker.generated.ts';

const deps = stores();

/**
 * `GET /v1/baton.js?key=pk_…`: the tracker (built by `npm run build` from
 * tracker/baton.ts), after one line with the settings of the key's tenant,
 * so one script tag is all a store pastes. Cached by browsers and CDNs for
 * five minutes: a consent setting changes everywhere within that.
 */
export const handler = openHandler('get-tracker', async (request) => {
  const key = request.event.queryStringParameters?.key;
  const tenant = key ? await publishableTenant(deps.tenants, key) : undefined;
  if (!tenant || !key) throw unknownPublishableKey();
  const settings = JSON.stringify({ key, consentRequired: tenant.config.consentRequired });
  return {
    statusCode: 200,
    // Served to other sites' pages: cross-origin loads allowed (storefronts with COEP), sniffing not.
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'cross-origin' },
    body: `window.__batonSettings=${settings};\n${TRACKER_SCRIPT}`,
  };
});
