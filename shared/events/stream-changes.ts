/** What happened to an item, as the table's stream names it. */
export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';
export const STREAM_EVENT_NAMES: readonly StreamEventName[] = ['INSERT', 'MODIFY', 'REMOVE'];

/**
 * Per entity (`entity` of the item), the stream events whose records a
 * consumer is given: one declaration read by the stack's filter
 * (`filterPatterns`), the local runtime's (`accepts`) and the consumer.
 */
export type StreamChanges = Readonly<Record<string, readonly StreamEventName[]>>;

/** The stream events an entity's records are given on (none for an entity not listed). */
export function eventNamesOf(changes: StreamChanges, entity: string): readonly StreamEventName[] {
  return Object.hasOwn(changes, entity) ? changes[entity]! : [];
}

/** A REMOVE has only the old image; the other events name the entity in the new one. */
const imageOf = (eventName: StreamEventName) => (eventName === 'REMOVE' ? 'OldImage' : 'NewImage');

/**
 * The event source mapping's filter patterns (a record passes when any one
 * matches): one per stream event, naming the entities given on it.
 */
export function filterPatterns(changes: StreamChanges): Array<Record<string, unknown>> {
  return STREAM_EVENT_NAMES.flatMap((eventName) => {
    const entities = Object.keys(changes).filter((entity) => eventNamesOf(changes, entity).includes(eventName));
    return entities.length > 0 ? [{ eventName: [eventName], dynamodb: { [imageOf(eventName)]: { entity: { S: entities } } } }] : [];
  });
}

/** A stream record as Lambda or the DynamoDB Streams API hands it over: what the filter reads. */
export interface FilteredRecord {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, { S?: string }>; OldImage?: Record<string, { S?: string }> };
}

/** Whether `filterPatterns(changes)` lets the record through: the local runtime filters with this. */
export function accepts(changes: StreamChanges, record: FilteredRecord): boolean {
  const eventName = STREAM_EVENT_NAMES.find((name) => name === record.eventName);
  const entity = eventName && record.dynamodb?.[imageOf(eventName)]?.entity?.S;
  return eventName !== undefined && entity !== undefined && eventNamesOf(changes, entity).includes(eventName);
}
