import type { QuarantinedDelivery } from '../../shared/webhooks/quarantine.ts';
import type { WebhookDeps } from '../../shared/webhooks/receive.ts';
import type { LetterRow, RedriveOutcome } from './view.ts';

/**
 * Quarantined webhook deliveries (signed and genuine, but not mappable when
 * they came) as dead letters: listed beside the others and redriven through
 * the same mapping, from the table the command works on (DynamoDB Local, or
 * the deployed one with TABLE_NAME).
 */
export function rowOfDelivery(delivery: QuarantinedDelivery): LetterRow & { body?: string } {
  return {
    id: delivery.id,
    at: delivery.receivedAt,
    kind: 'webhook',
    rule: `${delivery.provider} webhook`,
    target: 'quarantine',
    detailType: topicOf(delivery),
    tenant: delivery.tenantId,
    attempts: delivery.attempts,
    error: delivery.lastError ?? [delivery.reason, ...delivery.errors.map((issue) => `${issue.path}: ${issue.message}`)].join(' '),
  };
}

function topicOf(delivery: QuarantinedDelivery): string {
  const header = delivery.headers['x-shopify-topic'] ?? delivery.headers['x-wc-webhook-topic'];
  if (header) return header;
  try {
    return String((JSON.parse(delivery.rawBody.toString('utf8')) as { type?: unknown }).type ?? '');
  } catch {
    return '';
  }
}

/** Redrives each delivery (or those chosen); a delivery that now maps is stored and removed, one that does not stays with one more attempt. */
export async function redriveQuarantined(deps: WebhookDeps, deliveries: readonly QuarantinedDelivery[]): Promise<RedriveOutcome[]> {
  const { redeliverQuarantined } = await import('../../shared/webhooks/receive.ts');
  const outcomes: RedriveOutcome[] = [];
  for (const delivery of deliveries) {
    try {
      const answer = await redeliverQuarantined(deps, delivery);
      const stored = answer.body.transactions?.map((transaction) => `${transaction.transactionId} ${transaction.outcome}`).join(', ');
      outcomes.push({
        id: delivery.id,
        ok: true,
        message: `${delivery.provider} delivery processed: ${answer.body.ignored ?? (answer.body.duplicate ? 'a duplicate' : stored || `${answer.body.touches ?? 0} touches`)}`,
      });
    } catch (error) {
      outcomes.push({ id: delivery.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
