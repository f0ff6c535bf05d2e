import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { publishableTenant } from '../../auth/publishable.ts';
import { CollectBodySchema, CollectEventSchema, CollectQuerySchema, collect, MAX_COLLECT_EVENTS, requireAllowedOrigin, unknownPublishableKey } from '../../collect/collect.ts';
import { openHandler } from '../../http/handler.ts';
import { logger } from '../../observability/logger.ts';
import { CollectAnswerSchema } from '../responses/recording.ts';
import { checkedOneByOne, defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/collect',
  handler: 'collect',
  access: { kind: 'publishable' },
  table: 'readWrite',
  summary: 'Events from a storefront’s browser (publishable key): campaign pages, identify, checkout',
  query: CollectQuerySchema,
  body: CollectBodySchema.extend({ events: z.array(checkedOneByOne(CollectEventSchema)).min(1).max(MAX_COLLECT_EVENTS) }),
  responses: {
    202: {
      description:
        'Each event counted by what became of it (with ?debug=true, also told event by event, with why). Sent as text/plain (no preflight) or JSON; CORS headers only for the tenant’s allowedOrigins',
      schema: CollectAnswerSchema,
    },
  },
});

/**
 * The key travels in the body (`navigator.sendBeacon` sends no headers; as
 * `text/plain` it needs no preflight); a JSON sender names it in `?key=`
 * too, so the preflight (collect-preflight.ts) knows the tenant. Only the
 * tenant's allowed origins get CORS headers.
 */
export const handler = openHandler(route, async (request) => {
  const deps = stores();
  const origin = request.header('origin');
  const { debug } = request.query(route.query);
  const body = request.json(route.body);
  const tenant = await publishableTenant(deps.tenants, body.key);
  if (!tenant) throw unknownPublishableKey();
  const headers = requireAllowedOrigin(tenant, origin);
  const answer = await collect(deps, tenant, body.events, { origin, userAgent: request.header('user-agent') }, { debug });
  logger.debug('Collected', {
    tenantId: tenant.tenantId,
    accepted: answer.accepted,
    duplicates: answer.duplicates,
    ignored: answer.ignored,
    dropped: answer.dropped,
    rejected: answer.rejected.length,
  });
  if (answer.rejected.length > 0) logger.info('Collected events rejected', { tenantId: tenant.tenantId, rejected: answer.rejected });
  return respond(route, 202, answer, headers);
});
