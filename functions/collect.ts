import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { publishableTenant } from '#shared/auth/publishable.ts';
import { CollectBodySchema, collect, corsHeaders, requireAllowedOrigin, unknownPublishableKey } from '#shared/collect/collect.ts';
import { ForbiddenError } from '#shared/errors.ts';
import { openHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { logger } from '#shared/observability/logger.ts';

const deps = stores();

/**
 * `POST /v1/collect` and its CORS preflight. The key travels in the body
 * (`navigator.sendBeacon` sends no headers; as `text/plain` it needs no
 * preflight); a JSON sender names it in `?key=` too, so the preflight knows
 * the tenant. Only the tenant's allowed origins get CORS headers.
 */
export const handler = openHandler('collect', async (request) => {
  const origin = request.header('origin');
  if (request.event.requestContext.http.method === 'OPTIONS') {
    const key = request.event.queryStringParameters?.key;
    const tenant = key ? await publishableTenant(deps.tenants, key) : undefined;
    const headers = tenant ? corsHeaders(tenant, origin) : undefined;
    if (!headers) throw new ForbiddenError('No CORS for this origin: name the publishable key in ?key= and add the origin to allowedOrigins.');
    return { statusCode: 204, headers, body: '' };
  }
  const body = request.json(CollectBodySchema);
  const tenant = await publishableTenant(deps.tenants, body.key);
  if (!tenant) throw unknownPublishableKey();
  const headers = requireAllowedOrigin(tenant, origin);
  const answer = await collect(deps, tenant, body.events, { origin, userAgent: request.header('user-agent') });
  logger.debug('Collected', {
    tenantId: tenant.tenantId,
    accepted: answer.accepted,
    duplicates: answer.duplicates,
    ignored: answer.ignored,
    dropped: answer.dropped,
    rejected: answer.rejected.length,
  });
  if (answer.rejected.length > 0) logger.info('Collected events rejected', { tenantId: tenant.tenantId, rejected: answer.rejected });
  return json(202, answer, headers);
});
