import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/observability/logger.ts';
import { recordDeadLetter, recordProjectionLag, recordWebhook, webhookOutcome } from '../../shared/observability/metrics.ts';

const stored = { transactionId: 'o-1', outcome: 'stored' as const };

describe('a webhook delivery’s outcome, as counted', () => {
  it('is what its answer says: quarantined, duplicate, ignored, any conflict, anything stored, else duplicates', () => {
    expect(webhookOutcome({ received: true, outcome: 'quarantined', quarantined: { id: 'q', reason: 'r', errors: [] } })).toBe('quarantined');
    expect(webhookOutcome({ received: true, duplicate: true })).toBe('duplicate');
    expect(webhookOutcome({ received: true, ignored: 'a test order' })).toBe('ignored');
    expect(webhookOutcome({ received: true, transactions: [stored, { transactionId: 'o-2', outcome: 'conflict' }], touches: 0 })).toBe('conflict');
    const adjustmentConflict = { code: 'exceeds_order' as const, message: 'm', field: 'gross' };
    expect(webhookOutcome({ received: true, transactions: [{ transactionId: 'r-1', outcome: 'stored', adjustmentConflict }], touches: 0 })).toBe('conflict');
    expect(webhookOutcome({ received: true, transactions: [{ transactionId: 'o-1', outcome: 'duplicate' }, stored], touches: 1 })).toBe('stored');
    expect(webhookOutcome({ received: true, transactions: [], touches: 2 })).toBe('stored');
    expect(webhookOutcome({ received: true, transactions: [{ transactionId: 'o-1', outcome: 'duplicate' }], touches: 0 })).toBe('duplicate');
    expect(webhookOutcome({ received: true, transactions: [{ transactionId: 'o-1', outcome: 'ignored' }], touches: 0 })).toBe('ignored');
  });
});

describe('metrics', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
  });
  const emitted = () => lines.map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: unknown[] }> } });

  it('are one EMF line each, in namespace Baton with the service dimension and their own', () => {
    logger.setLogLevel('WARN');
    recordWebhook('shopify', { received: true, outcome: 'quarantined', quarantined: { id: 'q', reason: 'r', errors: [] } });
    recordProjectionLag([1_800_000_000], 1_800_000_002_500);
    recordDeadLetter('stream');

    const [webhook, quarantined, lag, deadLetter] = emitted();
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(webhook).toMatchObject({ service: 'baton', provider: 'shopify', outcome: 'quarantined', Webhooks: 1 });
    expect(webhook!._aws.CloudWatchMetrics).toEqual([{ Namespace: 'Baton', Dimensions: [['service', 'provider', 'outcome']], Metrics: [{ Name: 'Webhooks', Unit: 'Count' }] }]);
    expect(quarantined).toMatchObject({ service: 'baton', QuarantinedDeliveries: 1 });
    expect(quarantined!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(lag).toMatchObject({ ProjectionLag: 2_500 });
    expect(lag!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'ProjectionLag', Unit: 'Milliseconds' }]);
    expect(deadLetter).toMatchObject({ service: 'baton', kind: 'stream', DeadLetters: 1 });
  });

  it('are silent while the log is', () => {
    logger.setLogLevel('SILENT');
    recordWebhook('stripe', { received: true, duplicate: true });
    recordDeadLetter('queue');
    expect(lines).toEqual([]);
  });
});
