import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { BatonEvent } from '../../shared/events/catalog.ts';
import { recordDeadLetter } from '../../shared/observability/metrics.ts';
import { projectRoot } from './dynamodb-local.ts';

/**
 * The local runtime's dead letters: one JSON object per line in
 * `.data/dead-letters.ndjson`, each with what it takes to do the work again.
 * `npm start` appends to the file while `npm run dead-letters` may rewrite
 * it, from another process: both go through a lock file beside it
 * (`<file>.lock`, created exclusively, held for the few milliseconds of an
 * append or a rewrite), and a rewrite is a temporary file renamed over the
 * old one, so a reader sees the whole file before or after, never half.
 */

/** Where `npm start` keeps failed deliveries, and where `npm run dead-letters` looks by default. */
export const defaultDeadLetterFile = join(projectRoot, '.data', 'dead-letters.ndjson');

/** A stream record as the table's stream gives it: enough to derive its event again. */
export interface StreamRecordLetter {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb?: {
    SequenceNumber?: string;
    Keys?: Record<string, AttributeValue>;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

/** What a dead letter keeps of a stream record: enough to derive its event again. */
export function streamRecordLetter(record: DynamoDBRecord): StreamRecordLetter {
  type Image = Record<string, AttributeValue>;
  const { eventID, eventName, dynamodb } = record;
  return {
    ...(eventID ? { eventID } : {}),
    ...(eventName ? { eventName } : {}),
    dynamodb: {
      ...(dynamodb?.SequenceNumber ? { SequenceNumber: dynamodb.SequenceNumber } : {}),
      ...(dynamodb?.Keys ? { Keys: dynamodb.Keys as unknown as Image } : {}),
      ...(dynamodb?.NewImage ? { NewImage: dynamodb.NewImage as unknown as Image } : {}),
      ...(dynamodb?.OldImage ? { OldImage: dynamodb.OldImage as unknown as Image } : {}),
    },
  };
}

interface LetterBase {
  id: string;
  /** When it became a dead letter (ISO-8601); empty for letters written before letters had times. */
  at: string;
  /**
   * Who failed: an event's rule (`shared/events/rules.ts`), a stream
   * consumer (`shared/events/stream-consumers.ts`; `table-stream` in
   * letters written before there were several), or a queue (`shared/queues.ts`).
   */
  rule: string;
  /** The consumer: `functions/<target>.ts`. */
  target: string;
  error: string;
  attempts: number;
}

/** An event a rule's target kept failing on. */
export interface EventDeadLetter extends LetterBase {
  kind: 'event';
  event: BatonEvent;
}

/** A batch of the table's stream its consumer (`target`) kept failing on. */
export interface StreamDeadLetter extends LetterBase {
  kind: 'stream';
  /** Absent in letters written before the records were kept (they held only a count). */
  records?: StreamRecordLetter[];
  recordCount: number;
}

/** A queue message its target kept failing on, received `maxReceiveCount` times. */
export interface QueueDeadLetter extends LetterBase {
  kind: 'queue';
  body: string;
}

export type DeadLetter = EventDeadLetter | StreamDeadLetter | QueueDeadLetter;

/** A letter as the runtime hands it over, before it has an id and a time. */
export type NewDeadLetter = Omit<EventDeadLetter, 'id' | 'at'> | Omit<StreamDeadLetter, 'id' | 'at'> | Omit<QueueDeadLetter, 'id' | 'at'>;

export interface LetterFile {
  letters: DeadLetter[];
  /** Lines that are not letters, kept as they are. */
  unreadable: string[];
}

export function newLetterId(): string {
  return randomUUID();
}

export function stampLetter(letter: NewDeadLetter, now: Date = new Date()): DeadLetter {
  return { id: newLetterId(), at: now.toISOString(), ...letter } as DeadLetter;
}

/** Appends one letter (the file and its folder are created when missing). */
export function appendDeadLetter(file: string, letter: DeadLetter): void {
  mkdirSync(dirname(file), { recursive: true });
  withFileLock(file, () => appendFileSync(file, `${JSON.stringify(letter)}\n`));
  recordDeadLetter(letter.kind);
}

/** The letters in the file, in the order they were written (none when there is no file). */
export function readDeadLetters(file: string): LetterFile {
  return withFileLock(file, () => parse(existsSync(file) ? readFileSync(file, 'utf8') : ''));
}

/**
 * Replaces the file's letters by `change(letters)`, reading them under the
 * lock, so letters appended since the caller last read the file are seen
 * (and kept, unless `change` drops them by id). Unreadable lines stay.
 */
export function rewriteDeadLetters(file: string, change: (letters: DeadLetter[]) => DeadLetter[]): LetterFile {
  mkdirSync(dirname(file), { recursive: true });
  return withFileLock(file, () => {
    const current = parse(existsSync(file) ? readFileSync(file, 'utf8') : '');
    const next = { letters: change(current.letters), unreadable: current.unreadable };
    const lines = [...next.unreadable, ...next.letters.map((letter) => JSON.stringify(letter))];
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, lines.map((line) => `${line}\n`).join(''));
    renameSync(temporary, file);
    return next;
  });
}

function parse(text: string): LetterFile {
  const letters: DeadLetter[] = [];
  const unreadable: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const letter = fromLine(line);
    if (letter) letters.push(letter);
    else unreadable.push(line);
  }
  return { letters, unreadable };
}

/** A letter from its line; letters of earlier versions (no id, a stream batch as a count) are read too. */
function fromLine(line: string): DeadLetter | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof value.rule !== 'string' || typeof value.target !== 'string') return undefined;
  const base = {
    id: typeof value.id === 'string' ? value.id : `legacy-${createHash('sha256').update(line).digest('hex').slice(0, 12)}`,
    at: typeof value.at === 'string' ? value.at : '',
    rule: value.rule,
    target: value.target,
    error: typeof value.error === 'string' ? value.error : '',
    attempts: typeof value.attempts === 'number' ? value.attempts : 0,
  };
  if (value.kind === 'queue' && typeof value.body === 'string') return { ...base, kind: 'queue', body: value.body };
  const event = value.event as Record<string, unknown> | undefined;
  if (value.kind === 'stream' || (event && typeof event.streamRecords === 'number')) {
    const records = Array.isArray(value.records) ? (value.records as StreamRecordLetter[]) : undefined;
    const recordCount = typeof value.recordCount === 'number' ? value.recordCount : records ? records.length : Number(event?.streamRecords ?? 0);
    return { ...base, kind: 'stream', ...(records ? { records } : {}), recordCount };
  }
  if (event && typeof event['detail-type'] === 'string' && typeof event.detail === 'object') return { ...base, kind: 'event', event: event as unknown as BatonEvent };
  return undefined;
}

const LOCK_WAIT_MS = 10_000;
/** Nobody holds the lock for more than milliseconds: an older one was left by a process that died. */
const LOCK_STALE_MS = 30_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `work` holding `<file>.lock`. Synchronous on purpose: the bus
 * appends from inside a delivery and must not interleave with itself.
 */
export function withFileLock<T>(file: string, work: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(dirname(lock), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw error;
      if (isStale(lock)) {
        try {
          unlinkSync(lock);
        } catch {
          // Someone else broke it first.
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} stayed locked for ${LOCK_WAIT_MS / 1000} s (lock file ${lock})`);
      Atomics.wait(pause, 0, 0, 5);
    }
  }
  try {
    return work();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Broken as stale by another process: nothing left to release.
    }
  }
}

function isStale(lock: string): boolean {
  try {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && !isAlive(holder)) return true;
    return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
