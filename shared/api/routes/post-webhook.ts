import * as z from 'zod';
import { stores } from '../../adapters/dynamodb/stores.ts';
import { perConfiguration } from '../../config.ts';
import { openHandler } from '../../http/handler.ts';
import { RecentTenants } from '../../tenants/recent-tenants.ts';
import { TenantIdSchema, WEBHOOK_PROVIDERS } from '../../tenants/tenant.ts';
import { receiveWebhook } from '../../webhooks/receive.ts';
import { WebhookAnswerSchema } from '../responses/recording.ts';
import { defineRoute, respond } from '../route.ts';

export const route = defineRoute({
  method: 'POST',
  path: '/v1/webhooks/{provider}/{tenantId}',
  handler: 'post-webhook',
  access: { kind: 'webhook' },
  table: 'readWrite',
  summary: 'Shopify, WooCommerce, Stripe or signed generic webhooks',
  params: z.object({ provider: z.enum(WEBHOOK_PROVIDERS), tenantId: TenantIdSchema }),
  responses: {
    200: {
      description: 'Received: stored, duplicate, a topic that carries no revenue (ignored), or genuine but unreadable (quarantined: kept whole for redrive)',
      schema: WebhookAnswerSchema,
    },
  },
});

/** Kept by the function instance (per configuration): the tenants its deliveries came for. */
const recentTenants = perConfiguration(() => new RecentTenants(stores().tenants));

export const handler = openHandler(route, async (request) => {
  const { provider, tenantId } = request.params(route.params);
  const answer = await receiveWebhook({ ...stores(), recentTenants: recentTenants() }, provider, tenantId, { headers: request.event.headers, rawBody: request.rawBody() });
  return respond(route, answer.status, answer.body);
});
