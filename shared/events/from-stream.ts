import { EVENT_DETAILS, type EventType } from './catalog.ts';

/** An event before the bus gives it an envelope. */
export interface EventDraft {
  detailType: EventType;
  detail: Record<string, unknown> & { tenantId: string };
}

type Item = Record<string, unknown>;

/** A detail through its event's schema: what goes on the bus is what SPEC §7 and the OpenAPI document say. */
function draft(detailType: EventType, detail: Record<string, unknown>): EventDraft {
  return { detailType, detail: EVENT_DETAILS[detailType].parse(detail) };
}

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
        return draft('TouchRecorded', { tenantId, touchId: item.touchId, side: item.side, occurredAt: item.occurredAt, identifiers: item.identifiers });
      case 'stage':
        return draft('StageRecorded', { tenantId, stageId: item.stageId, stage: item.stage, occurredAt: item.occurredAt, identifiers: item.identifiers });
      case 'link':
        return draft('IdentityLinked', { tenantId, identifiers: [item.from, item.to], occurredAt: item.occurredAt });
      case 'transaction':
        return draft('TransactionRecorded', {
          tenantId,
          transactionId: item.transactionId,
          kind: item.kind,
          ...(item.orderId ? { orderId: item.orderId } : {}),
          occurredAt: item.occurredAt,
          identifiers: item.identifiers,
        });
    }
  }
  if (item.entity === 'attribution' && change !== 'REMOVE') {
    return draft('AttributionComputed', { tenantId, transactionId: item.transactionId, version: item.version });
  }
  return undefined;
}

/** Entities whose stream records can carry an event: the stack's stream filter uses this list. */
export const EVENT_ENTITIES = ['touch', 'stage', 'link', 'transaction', 'attribution'] as const;
