import { type _Record, type DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_DETAILS, EVENT_TYPES, type EventType } from '../../shared/events/catalog.ts';
import type { EventDraft } from '../../shared/events/from-stream.ts';
import type { EventPublisher } from '../../shared/events/ports.ts';
import type { StreamRecordLetter } from '../local/dead-letter-file.ts';
import { draftsFromStreamRecords } from './stream-records.ts';
import { type LetterRow, type RedriveOutcome, resolveIds } from './view.ts';

/**
 * The deployed stack's dead-letter queue. Three kinds of message land there
 * (infra/stateless-stack.ts):
 * - `event`: an event an EventBridge rule could not deliver to its target;
 *   the body is the event, the rule, target and error are message attributes;
 * - `async-invoke`: a Lambda asynchronous-invocation failure record of a rule's
 *   target; the event is its `requestPayload`;
 * - `stream`: a table-stream batch a stream consumer kept failing on;
 *   the body says where the batch is (`DDBStreamBatchInfo`), not what.
 * Redriving puts the event(s) on the bus again (for the stream publisher's
 * batch, read back from the stream, which keeps records 24 hours); another
 * stream consumer's batch is read back and given to that function again
 * (`invoke`). Then the message is deleted; a message that cannot be
 * redriven stays, and is reported.
 */
export interface QueueModeDeps {
  sqs: SQSClient;
  /** A DynamoDB Streams client for the region of a stream ARN. */
  streams(region: string): DynamoDBStreamsClient;
  queueUrl: string;
  /** Invokes a function synchronously with a payload; resolves to its answer (a function error rejects). */
  invoke(functionArn: string, payload: unknown): Promise<unknown>;
}

export interface QueueLetter extends LetterRow {
  message: Message;
  body: unknown;
}

/** Long enough to handle a page of messages; a message not deleted comes back after it. */
const REDRIVE_VISIBILITY_SECONDS = 60;
/** `list` only looks: the messages are released again at the end (and would come back by themselves soon after). */
const LIST_VISIBILITY_SECONDS = 20;
/** Stop after this many letters: a queue this full is better looked at in the console. */
const MAX_MESSAGES = 10_000;

/** Every message in the queue, seen once, without deleting any. */
export async function listQueue(deps: QueueModeDeps): Promise<QueueLetter[]> {
  const letters: QueueLetter[] = [];
  await eachMessage(deps, LIST_VISIBILITY_SECONDS, async (message) => {
    letters.push(classify(message));
    return 'release';
  });
  return letters;
}

/**
 * Puts each letter's event(s) on the bus again with `publisher` (the stack's
 * EventBridge publisher) and deletes the message; a letter that cannot be
 * redriven is made visible again and reported. Letters not among `ids`
 * (when given) are left as they were.
 */
export async function redriveQueue(deps: QueueModeDeps & { publisher: EventPublisher; ids?: readonly string[] }): Promise<{ outcomes: RedriveOutcome[]; missing: string[] }> {
  const outcomes: RedriveOutcome[] = [];
  const asked = deps.ids && deps.ids.length > 0 ? [...deps.ids] : undefined;
  const matched = new Set<string>();
  await eachMessage(deps, REDRIVE_VISIBILITY_SECONDS, async (message) => {
    const letter = classify(message);
    if (asked) {
      const { found } = resolveIds(asked, [letter.id]);
      if (found.size === 0) return 'release';
      for (const wanted of asked) if (letter.id.startsWith(wanted)) matched.add(wanted);
    }
    let done: string;
    try {
      done = await redriveLetter(letter, deps);
    } catch (error) {
      outcomes.push({ id: letter.id, ok: false, message: error instanceof Error ? error.message : String(error) });
      return 'release';
    }
    try {
      await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      // Published but still queued: a second redrive publishes it again, which consumers absorb.
      outcomes.push({ id: letter.id, ok: false, message: `${done}, but not deleted from the queue: ${(error as Error).message}` });
      return 'keep';
    }
    outcomes.push({ id: letter.id, ok: true, message: done });
    return 'keep';
  });
  return { outcomes, missing: asked ? asked.filter((wanted) => !matched.has(wanted)) : [] };
}

/**
 * Receives until the queue has nothing new, hands each message over once
 * (by MessageId: a message can come back when its visibility ends), and at
 * the end makes the ones `visit` answered 'release' visible again at once.
 */
async function eachMessage(deps: QueueModeDeps, visibility: number, visit: (message: Message) => Promise<'release' | 'keep'>): Promise<void> {
  const seen = new Set<string>();
  const release: Message[] = [];
  let idle = 0;
  try {
    while (idle < 2 && seen.size < MAX_MESSAGES) {
      const { Messages = [] } = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: visibility,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        }),
      );
      const fresh = Messages.filter((message) => message.MessageId && !seen.has(message.MessageId));
      idle = fresh.length === 0 ? idle + 1 : 0;
      for (const message of fresh) {
        seen.add(message.MessageId!);
        if ((await visit(message)) === 'release') release.push(message);
      }
    }
  } finally {
    for (const message of release) {
      try {
        await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
      } catch {
        // It comes back by itself when its visibility timeout ends.
      }
    }
  }
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** `arn:…:function:name[:qualifier]` → name; `arn:…:rule/bus/name` → name. */
function nameOfArn(arn: unknown): string {
  if (typeof arn !== 'string' || arn === '') return '';
  const functionName = /:function:([^:]+)/.exec(arn)?.[1];
  return functionName ?? arn.split(/[/:]/).pop() ?? arn;
}

/** What a message is and what `list` shows of it. */
export function classify(message: Message): QueueLetter {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    body = message.Body;
  }
  const json = object(body) ?? {};
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue ?? '';
  const sent = Number(message.Attributes?.SentTimestamp);
  const common = { id: message.MessageId ?? '', at: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : '', message, body };
  const requestContext = object(json.requestContext);
  const responseContext = object(json.responseContext);
  const invokeCount = typeof requestContext?.approximateInvokeCount === 'number' ? requestContext.approximateInvokeCount : undefined;

  const batch = object(json.DDBStreamBatchInfo);
  if (batch) {
    return {
      ...common,
      kind: 'stream',
      rule: 'table-stream',
      target: nameOfArn(requestContext?.functionArn),
      detailType: `${String(batch.batchSize ?? '?')} stream records`,
      tenant: '',
      attempts: invokeCount,
      error: [requestContext?.condition, responseContext?.functionError].filter(Boolean).join(': '),
    };
  }
  const payload = object(json.requestPayload);
  if (payload && requestContext) {
    const responsePayload = object(json.responsePayload);
    return {
      ...common,
      kind: 'async-invoke',
      rule: '',
      target: nameOfArn(requestContext.functionArn),
      detailType: String(payload['detail-type'] ?? ''),
      tenant: String(object(payload.detail)?.tenantId ?? ''),
      attempts: invokeCount,
      error: String(responsePayload?.errorMessage ?? responseContext?.functionError ?? requestContext.condition ?? ''),
    };
  }
  if (typeof json['detail-type'] === 'string' && object(json.detail)) {
    const retries = Number(attribute('RETRY_ATTEMPTS'));
    return {
      ...common,
      kind: 'event',
      rule: nameOfArn(attribute('RULE_ARN')),
      target: nameOfArn(attribute('TARGET_ARN')),
      detailType: json['detail-type'],
      tenant: String(object(json.detail)?.tenantId ?? ''),
      attempts: attribute('RETRY_ATTEMPTS') !== '' && Number.isFinite(retries) ? retries + 1 : undefined,
      error: [attribute('ERROR_CODE'), attribute('ERROR_MESSAGE')].filter(Boolean).join(': '),
    };
  }
  return { ...common, kind: 'unknown', rule: '', target: '', detailType: '', tenant: '', attempts: undefined, error: 'not a message Baton knows how to redrive' };
}

/** The stream publisher's function is named after it (`…PublishEvents…`); any other stream consumer takes its records back itself. */
function isPublisher(letter: QueueLetter): boolean {
  return /publish-?events/i.test(letter.target) || letter.target === '';
}

/** Does the letter's work again; resolves to what was done. */
async function redriveLetter(letter: QueueLetter, deps: QueueModeDeps & { publisher: EventPublisher }): Promise<string> {
  if (letter.kind === 'stream' && !isPublisher(letter)) {
    const json = object(letter.body) ?? {};
    const records = await readStreamBatch(object(json.DDBStreamBatchInfo) ?? {}, deps);
    const functionArn = String(object(json.requestContext)?.functionArn ?? '');
    const answer = object(await deps.invoke(functionArn, { Records: records }));
    const failures = Array.isArray(answer?.batchItemFailures) ? answer.batchItemFailures : [];
    if (failures.length > 0) throw new Error(`${letter.target} failed again, from sequence number ${String(object(failures[0])?.itemIdentifier ?? '?')}`);
    return `${records.length} records given to ${letter.target} again`;
  }
  const drafts = await draftsOf(letter, deps);
  if (drafts.length > 0) await deps.publisher.publish(drafts);
  return drafts.length > 0 ? `${drafts.length === 1 ? drafts[0]!.detailType : `${drafts.length} events`} put on the bus` : 'no events to put on the bus';
}

/** The events a letter stands for, as drafts for the publisher. */
async function draftsOf(letter: QueueLetter, deps: QueueModeDeps): Promise<EventDraft[]> {
  const json = object(letter.body) ?? {};
  switch (letter.kind) {
    case 'event':
      return [draftOfEvent(json)];
    case 'async-invoke':
      return [draftOfEvent(object(json.requestPayload) ?? {})];
    case 'stream':
      return draftsFromStreamRecords(await readStreamBatch(object(json.DDBStreamBatchInfo) ?? {}, deps));
    default:
      throw new Error('not a message Baton knows how to redrive (neither an event, a Lambda failure record nor a stream batch)');
  }
}

function draftOfEvent(event: Json): EventDraft {
  const detailType = event['detail-type'];
  const detail = object(event.detail);
  if (typeof detailType !== 'string' || !(EVENT_TYPES as readonly string[]).includes(detailType)) throw new Error(`"${String(detailType)}" is not one of Baton's events`);
  const parsed = EVENT_DETAILS[detailType as EventType].safeParse(detail);
  if (!parsed.success) throw new Error(`the event's detail is not a ${detailType}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'detail'} ${issue.message}`).join('; ')}`);
  return { detailType: detailType as EventType, detail: parsed.data };
}

/**
 * The batch's records, read back from the stream: from its first sequence
 * number to its last, across pages.
 */
async function readStreamBatch(info: Json, deps: QueueModeDeps): Promise<StreamRecordLetter[]> {
  const { streamArn, shardId, startSequenceNumber, endSequenceNumber } = info;
  if (typeof streamArn !== 'string' || typeof shardId !== 'string' || typeof startSequenceNumber !== 'string' || typeof endSequenceNumber !== 'string') {
    throw new Error('DDBStreamBatchInfo lacks streamArn, shardId or a sequence number');
  }
  const region = streamArn.split(':')[3] ?? '';
  const streams = deps.streams(region);
  const end = BigInt(endSequenceNumber);
  const records: StreamRecordLetter[] = [];
  let iterator: string | undefined;
  try {
    ({ ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: startSequenceNumber }),
    ));
    // An open shard may answer a page or two with nothing before the records: give it a few.
    for (let empty = 0; iterator && empty < 10; ) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const got = page.Records ?? [];
      empty = got.length === 0 ? empty + 1 : 0;
      for (const record of got) {
        const sequence = BigInt(record.dynamodb?.SequenceNumber ?? '0');
        if (sequence > end) return records;
        records.push(asLetterRecord(record));
        if (sequence === end) return records;
      }
      iterator = page.NextShardIterator;
    }
  } catch (error) {
    if ((error as Error).name === 'TrimmedDataAccessException' || (error as Error).name === 'ResourceNotFoundException') {
      throw new Error(`the stream no longer holds these records (it keeps them 24 hours; ${(error as Error).name}): this batch cannot be redriven`);
    }
    throw error;
  }
  throw new Error(`the stream gave the batch only up to ${records.at(-1)?.dynamodb?.SequenceNumber ?? startSequenceNumber}, not to its end ${endSequenceNumber}`);
}

function asLetterRecord(record: _Record): StreamRecordLetter {
  return record as unknown as StreamRecordLetter;
}
