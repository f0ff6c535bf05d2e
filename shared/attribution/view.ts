import { NotFoundError } from '../errors.ts';
import type { ProjectionStore } from '../projection/ports.ts';
import type { RecordStore } from '../recording/ports.ts';
import type { AttributionResult, JourneyTouch } from './engine.ts';

const touchView = (touch: JourneyTouch) => ({
  touchId: touch.touchId,
  occurredAt: new Date(touch.at).toISOString(),
  side: touch.side,
  kind: touch.kind,
  channel: touch.channel,
  campaign: touch.campaign ?? null,
  source: touch.source ?? null,
  medium: touch.medium ?? null,
  ...(touch.rep ? { rep: touch.rep } : {}),
});

/** docs/contract.md#reading-attribution's shape of an attribution. */
export function view(result: AttributionResult, version: number) {
  return {
    transactionId: result.transactionId,
    occurredAt: result.occurredAt,
    currency: result.currency,
    revenue: result.revenue,
    window: result.window,
    boundary: result.boundary,
    sourcedBy: result.sourcedBy,
    marketing: { touches: result.marketing.touches.map(touchView), credits: result.marketing.credits, unattributed: result.marketing.unattributed },
    sales: { salesChannel: result.sales.salesChannel, touches: result.sales.touches.map(touchView), credits: result.sales.credits },
    afterBoundary: result.afterBoundary.map(touchView),
    version,
  };
}

/**
 * `GET /v1/transactions/{id}/attribution`: what the projector stored. A read
 * never attributes: a transaction whose events the projector has not
 * reached yet (seconds), or a refund whose order is not recorded, is 404
 * with a message that says so.
 */
export async function getAttribution(deps: { records: Pick<RecordStore, 'getTransaction'>; projections: Pick<ProjectionStore, 'getAttribution'> }, tenantId: string, transactionId: string) {
  const [transaction, stored] = await Promise.all([deps.records.getTransaction(tenantId, transactionId), deps.projections.getAttribution(tenantId, transactionId)]);
  if (!transaction) throw new NotFoundError(`No transaction ${transactionId}.`);
  if (!stored) {
    throw new NotFoundError(
      transaction.kind !== 'order' && transaction.status !== 'counted'
        ? `${transactionId} is a ${transaction.kind} that counts nothing yet (${transaction.status ?? 'pending'}): it is attributed once its order is known and it counts.`
        : `${transactionId} is not attributed yet: attribution follows its events within seconds.`,
    );
  }
  return view(stored.result, stored.version);
}
