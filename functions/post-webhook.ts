import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { WebhookParamsSchema } from '#shared/api/contract.ts';
import { openHandler } from '#shared/http/handler.ts';
import { json } from '#shared/http/problem.ts';
import { receiveWebhook } from '#shared/webhooks/receive.ts';

const deps = stores();

export const handler = openHandler('post-webhook', async (request) => {
  const { provider, tenantId } = request.params(WebhookParamsSchema);
  const answer = await receiveWebhook(deps, provider, tenantId, { headers: request.event.headers, rawBody: request.rawBody() });
  return json(answer.status, answer.body);
});
