import type { EventType } from './catalog.ts';

/** An event before the bus gives it an envelope. */
export interface EventDraft {
  detailType: EventType;
  detail: Record<string, unknown> & { tenantId: string };
}

type Item = Record<string, unknown>;

/**
 * The event a newly stored item stands for (SPEC §7), or none. Events are
 * derived from the table's stream, so a write that succeeded always yields
 * its event, even when publishing fails first and is retried.
 */
export function eventFromItem(item: Item, change: 'INSERT' | 'MODIFY' | 'REMOVE'): EventDraft | undefined {
  const tenantId = item.tenantId as string | undefined;
  if (!tenantId) return undefined;
  if (change === 'INSERT') {
    switch (item.entity) {
      case 'touch':
        return { detailType: 'TouchRecorded', detail: { tenantId, touchId: item.touchId, side: item.side, occurredAt: item.occurredAt, identifiers: item.identifiers } };
      case 'stage':
        return { detailType: 'StageRecorded', detail: { tenantId, stageId: item.stageId, stage: item.stage, occurredAt: item.occurredAt, identifiers: item.identifiers } };
      case 'link':
        return { detailType: 'IdentityLinked', detail: { tenantId, identifiers: [item.from, item.to], occurredAt: item.occurredAt } };
      case 'transaction':
        return {
          detailType: 'TransactionRecorded',
          detail: { tenantId, transactionId: item.transactionId, kind: item.kind, ...(item.orderId ? { orderId: item.orderId } : {}), occurredAt: item.occurredAt, identifiers: item.identifiers },
        };
    }
  }
  if (item.entity === 'attribution' && change !== 'REMOVE') {
    return { detailType: 'AttributionComputed', detail: { tenantId, transactionId: item.transactionId, version: item.version } };
  }
  return undefined;
}

/** Entities whose stream records can carry an event: the stack's stream filter uses this list. */
export const EVENT_ENTITIES = ['touch', 'stage', 'link', 'transaction', 'attribution'] as const;
