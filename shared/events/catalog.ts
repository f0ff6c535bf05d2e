import * as z from 'zod';

/** Every event Baton puts on its bus carries this source (docs/contract.md#events). */
export const EVENT_SOURCE = 'baton';

export const EVENT_TYPES = ['TouchRecorded', 'StageRecorded', 'IdentityLinked', 'TransactionRecorded', 'AttributionComputed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Identifiers = z.array(z.string()).describe('The person’s ids as stored: a:<anonymousId>, c:<customerId>, e:<sha-256 of the email>, o:<transactionId> for a sale without a person');
const Detail = z.object({
  tenantId: z.string(),
  eventId: z.string().optional().describe('The stream record’s id: the same for every delivery of this event, for consumers to deduplicate'),
});

/**
 * Each event's detail, one schema per event (docs/contract.md#events): the stream publisher
 * builds details through these, redriving dead letters checks them, and the
 * OpenAPI document lists them (components `Event…`).
 */
export const EVENT_DETAILS = {
  TouchRecorded: Detail.extend({ touchId: z.string(), side: z.enum(['marketing', 'sales']), occurredAt: z.string(), identifiers: Identifiers }),
  StageRecorded: Detail.extend({ stageId: z.string(), stage: z.enum(['lead', 'qualified', 'disqualified']), occurredAt: z.string(), identifiers: Identifiers }),
  IdentityLinked: Detail.extend({ identifiers: Identifiers.length(2), occurredAt: z.string() }),
  TransactionRecorded: Detail.extend({
    transactionId: z.string(),
    kind: z.enum(['order', 'refund', 'cancellation']),
    orderId: z.string().optional(),
    occurredAt: z.string(),
    identifiers: Identifiers,
  }),
  AttributionComputed: Detail.extend({ transactionId: z.string(), version: z.number().int().positive().describe('Bumped whenever the attribution changes: GET /v1/transactions/{id}/attribution') }),
} satisfies Record<EventType, z.ZodType>;

export type EventDetail<T extends EventType> = z.infer<(typeof EVENT_DETAILS)[T]>;

/** An event as it travels on the bus: EventBridge's envelope fields we use. */
export interface BatonEvent<D = Record<string, unknown>> {
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': EventType;
  time: string;
  detail: D & { tenantId: string };
}
