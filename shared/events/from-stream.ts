import { EVENT_DETAILS, type EventType } from './catalog.ts';
import { eventNamesOf, type StreamChanges, type StreamEventName } from './stream-changes.ts';

/** An event before the bus gives it an envelope. */
export interface EventDraft {
  detailType: EventType;
  detail: Record<string, unknown> & { tenantId: string };
}

type Item = Record<string, unknown>;

/** A detail through its event's schema: what goes on the bus is what docs/contract.md#events and the OpenAPI document say. */
function draft(detailType: EventType, detail: Record<string, unknown>): EventDraft {
  return { detailType, detail: EVENT_DETAILS[detailType].parse(detail) };
}

/**
 * The entities whose stream records carry an event, and on which changes:
 * a record's event once, when it is stored; an attribution's on each new
 * version. The publisher's stream filter is this table.
 */
export const EVENT_CHANGES = {
  touch: ['INSERT'],
  stage: ['INSERT'],
  link: ['INSERT'],
  transaction: ['INSERT'],
  attribution: ['INSERT', 'MODIFY'],
} as const satisfies StreamChanges;

/**
 * The event a stored item stands for (docs/contract.md#events), or none. Events are
 * derived from the table's stream, so a write that succeeded always yields
 * its event, even when publishing fails first and is retried.
 */
export function eventFromItem(item: Item, change: StreamEventName): EventDraft | undefined {
  const tenantId = item.tenantId as string | undefined;
  if (!tenantId || typeof item.entity !== 'string' || !eventNamesOf(EVENT_CHANGES, item.entity).includes(change)) return undefined;
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
    case 'attribution':
      return draft('AttributionComputed', { tenantId, transactionId: item.transactionId, version: item.version });
    default:
      return undefined;
  }
}
