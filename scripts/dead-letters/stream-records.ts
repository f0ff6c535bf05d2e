import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type EventDraft, eventFromItem } from '../../shared/events/from-stream.ts';
import type { StreamRecordLetter } from '../local/dead-letter-file.ts';

/**
 * The events a batch of stream records stands for, derived as the stream
 * publisher derives them (shared/events/stream-publisher.ts):
 * `eventFromItem` on the new image (the old one for a removal), and the
 * record's eventID as the event's `eventId`, so consumers that have seen
 * the event already recognise it.
 */
export function draftsFromStreamRecords(records: readonly StreamRecordLetter[]): EventDraft[] {
  const drafts: EventDraft[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    if (!image || !record.eventName) continue;
    const draft = eventFromItem(unmarshall(image as Record<string, AttributeValue>), record.eventName);
    if (draft) drafts.push({ ...draft, detail: { ...draft.detail, ...(record.eventID ? { eventId: record.eventID } : {}) } });
  }
  return drafts;
}
