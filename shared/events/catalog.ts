/** Every event Baton puts on its bus carries this source (SPEC §7). */
export const EVENT_SOURCE = 'baton';

export const EVENT_TYPES = ['TouchRecorded', 'StageRecorded', 'IdentityLinked', 'TransactionRecorded', 'AttributionComputed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as it travels on the bus: EventBridge's envelope fields we use. */
export interface BatonEvent<D = Record<string, unknown>> {
  id: string;
  source: typeof EVENT_SOURCE;
  'detail-type': EventType;
  time: string;
  detail: D & { tenantId: string };
}
