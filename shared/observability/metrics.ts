import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { WebhookProvider } from '../tenants/tenant.ts';
import type { WebhookAnswer } from '../webhooks/receive.ts';
import { logger } from './logger.ts';

/**
 * What an operator watches, as CloudWatch metrics in the embedded metric
 * format (EMF): one JSON line on stdout per metric, which CloudWatch turns
 * into the metric on AWS and which the local runtime prints to its log.
 * Namespace `Baton`, dimension `service`; the stack's alarms
 * (`infra/constructs/alarms.ts`) read these names.
 *
 * Each metric is published as it is recorded, with its own dimensions (a
 * webhook's provider and outcome are not the next metric's), so nothing
 * waits for the end of an invocation and no handler has to flush. Silent
 * while the log is (POWERTOOLS_LOG_LEVEL=SILENT, as tests run).
 */
export const METRIC_NAMESPACE = 'Baton';
export const SERVICE = 'baton';

export const METRIC_NAMES = {
  /** Every webhook delivery that was answered 200, by `provider` and `outcome`. */
  webhooks: 'Webhooks',
  /** Signed, genuine deliveries Baton could not map: kept for redrive (`npm run dead-letters`). */
  quarantined: 'QuarantinedDeliveries',
  /** Per projector batch, once projected: now less the stream's creation time of its oldest record (ms). */
  projectionLag: 'ProjectionLag',
  /** People whose projection failed in a batch, so the stream retries it from there. */
  projectionFailures: 'ProjectionFailures',
  /** Projections saved over by another writer first (a stale save), computed again. */
  projectionConflicts: 'ProjectionConflicts',
  /** Per applier batch: rollup deltas added to their cells. */
  rollupDeltasApplied: 'RollupDeltasApplied',
  /** Per applier batch: its writes that lost to another applier (read again and retried, never re-projected). */
  rollupDeltaConflicts: 'RollupDeltaConflicts',
  /** Work kept as a dead letter, by `kind` (event, stream, queue). */
  deadLetters: 'DeadLetters',
} as const;

export type WebhookOutcome = 'stored' | 'duplicate' | 'ignored' | 'conflict' | 'quarantined';
export type DeadLetterKind = 'event' | 'stream' | 'queue';

const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE, logger });

function publish(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: Record<string, string> = {}): void {
  if (logger.getLevelName() === 'SILENT') return;
  const single = metrics.singleMetric();
  if (Object.keys(dimensions).length > 0) single.addDimensions(dimensions);
  single.addMetric(name, unit, value);
}

/** What a delivery's answer says happened to it: any conflict first, then anything stored. */
export function webhookOutcome(body: WebhookAnswer['body']): WebhookOutcome {
  if (body.outcome === 'quarantined') return 'quarantined';
  if (body.duplicate) return 'duplicate';
  if (body.ignored) return 'ignored';
  const outcomes = (body.transactions ?? []).map((answer) => (answer.adjustmentConflict ? 'conflict' : answer.outcome));
  if (outcomes.includes('conflict')) return 'conflict';
  if (outcomes.includes('stored') || (outcomes.length === 0 && (body.touches ?? 0) > 0)) return 'stored';
  return outcomes.includes('duplicate') ? 'duplicate' : 'ignored';
}

/** A webhook delivery answered 200, by provider and outcome; a quarantined one is counted on its own too, for its alarm. */
export function recordWebhook(provider: WebhookProvider, body: WebhookAnswer['body']): void {
  const outcome = webhookOutcome(body);
  publish(METRIC_NAMES.webhooks, MetricUnit.Count, 1, { provider, outcome });
  if (outcome === 'quarantined') publish(METRIC_NAMES.quarantined, MetricUnit.Count, 1);
}

/** The age of a projector batch's oldest record (ms), from the stream's creation times (epoch seconds); nothing for a batch without them. */
export function recordProjectionLag(createdAt: readonly number[], now: number = Date.now()): void {
  if (createdAt.length === 0) return;
  publish(METRIC_NAMES.projectionLag, MetricUnit.Milliseconds, Math.max(0, now - Math.min(...createdAt) * 1000));
}

export function recordProjectionFailures(people: number): void {
  if (people > 0) publish(METRIC_NAMES.projectionFailures, MetricUnit.Count, people);
}

export function recordProjectionConflict(): void {
  publish(METRIC_NAMES.projectionConflicts, MetricUnit.Count, 1);
}

export function recordRollupDeltas(applied: number, conflicts: number): void {
  if (applied > 0) publish(METRIC_NAMES.rollupDeltasApplied, MetricUnit.Count, applied);
  if (conflicts > 0) publish(METRIC_NAMES.rollupDeltaConflicts, MetricUnit.Count, conflicts);
}

export function recordDeadLetter(kind: DeadLetterKind): void {
  publish(METRIC_NAMES.deadLetters, MetricUnit.Count, 1, { kind });
}
