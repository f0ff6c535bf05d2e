import { randomUUID } from 'node:crypto';
import { type BatonEvent, EVENT_SOURCE } from '../../shared/events/catalog.ts';
import type { EventDraft } from '../../shared/events/from-stream.ts';
import type { EventRule } from '../../shared/events/rules.ts';
import { type DeadLetter, type EventDeadLetter, type QueueDeadLetter, readDeadLetters, rewriteDeadLetters, type StreamDeadLetter } from '../local/dead-letter-file.ts';
import type { LambdaHandler } from '../local/handlers.ts';
import { lambdaContext } from '../local/lambda-context.ts';
import { sqsEvent } from '../local/queue.ts';
import { draftsFromStreamRecords } from './stream-records.ts';
import { countBy, type LetterRow, type RedriveOutcome, resolveIds } from './view.ts';

/**
 * The local runtime's dead letters (`.data/dead-letters.ndjson`), listed and
 * delivered again in this process to the same handler modules `npm start`
 * runs. The file is only read and rewritten through its lock, so `npm
 * start` can go on appending to it meanwhile (scripts/local/dead-letter-file.ts).
 */
export interface FileModeOptions {
  file: string;
  /** Who consumes what: `shared/events/rules.ts`. */
  rules: readonly EventRule[];
  loadHandler(name: string): Promise<LambdaHandler>;
  now?: () => Date;
}

export function listFile(file: string): { rows: LetterRow[]; letters: DeadLetter[]; unreadable: number } {
  const { letters, unreadable } = readDeadLetters(file);
  return { rows: letters.map(rowOfLetter), letters, unreadable: unreadable.length };
}

export function rowOfLetter(letter: DeadLetter): LetterRow {
  const common = { id: letter.id, at: letter.at, kind: letter.kind, rule: letter.rule, target: letter.target, attempts: letter.attempts, error: letter.error };
  if (letter.kind === 'event') return { ...common, detailType: letter.event['detail-type'], tenant: String(letter.event.detail?.tenantId ?? '') };
  if (letter.kind === 'queue') return { ...common, detailType: `${letter.rule} message`, tenant: tenantOfBody(letter.body) };
  if (!letter.records) return { ...common, detailType: `${letter.recordCount} stream records (not kept)`, tenant: '' };
  if (!publishes(letter)) {
    const tenants = letter.records.map((record) => (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.tenantId?.S ?? '');
    return { ...common, detailType: `${letter.records.length} stream records`, tenant: [...new Set(tenants.filter(Boolean))].join(', ') };
  }
  const drafts = draftsFromStreamRecords(letter.records);
  return {
    ...common,
    detailType: drafts.length > 0 ? countBy(drafts.map((draft) => draft.detailType)) : `${letter.records.length} stream records, no events`,
    tenant: [...new Set(drafts.map((draft) => draft.detail.tenantId))].join(', '),
  };
}

/** Thrown when an asked-for id matches no letter (or more than one): nothing is delivered then. */
export class UnknownLetterError extends Error {
  override name = 'UnknownLetterError';
}

/**
 * Delivers each letter (or those `ids` name) once more; then, under the
 * file's lock, removes the letters that succeeded and writes the others
 * back with one more attempt and the new error. Letters appended meanwhile
 * are read in that same locked step, so none is lost.
 */
export async function redriveFile(options: FileModeOptions & { ids?: readonly string[] }): Promise<RedriveOutcome[]> {
  const { letters } = readDeadLetters(options.file);
  let chosen = letters;
  if (options.ids && options.ids.length > 0) {
    const { found, problems } = resolveIds(
      options.ids,
      letters.map((letter) => letter.id),
    );
    if (problems.length > 0) throw new UnknownLetterError(problems.join(' '));
    chosen = letters.filter((letter) => found.has(letter.id));
  }

  const outcomes: RedriveOutcome[] = [];
  for (const letter of chosen) {
    try {
      outcomes.push({ id: letter.id, ok: true, message: await deliverLetter(letter, options) });
    } catch (error) {
      outcomes.push({ id: letter.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  }

  if (outcomes.length > 0) {
    const byId = new Map(outcomes.map((outcome) => [outcome.id, outcome]));
    rewriteDeadLetters(options.file, (current) =>
      current.flatMap((letter) => {
        const outcome = byId.get(letter.id);
        if (!outcome) return [letter];
        return outcome.ok ? [] : [{ ...letter, attempts: letter.attempts + 1, error: outcome.message }];
      }),
    );
  }
  return outcomes;
}

function tenantOfBody(body: string): string {
  try {
    return String((JSON.parse(body) as { tenantId?: unknown }).tenantId ?? '');
  } catch {
    return '';
  }
}

/** The stream publisher's letters (`table-stream` before there were several consumers) stand for events; other consumers take the records themselves. */
function publishes(letter: StreamDeadLetter): boolean {
  return letter.target === 'publish-events';
}

async function deliverLetter(letter: DeadLetter, options: FileModeOptions): Promise<string> {
  switch (letter.kind) {
    case 'event':
      return deliverEvent(letter, options);
    case 'queue':
      return deliverMessage(letter, options);
    case 'stream':
      return publishes(letter) ? deliverStreamBatch(letter, options) : deliverRecords(letter, options);
  }
}

/** A queue message goes to its target again, as one more receive would. */
async function deliverMessage(letter: QueueDeadLetter, options: FileModeOptions): Promise<string> {
  const handler = await options.loadHandler(letter.target);
  const response = (await handler(sqsEvent(letter.body), lambdaContext(letter.target, undefined, 900_000))) as { batchItemFailures?: unknown[] } | undefined;
  if (response?.batchItemFailures?.length) throw new Error(`${letter.target} reported the message as failed again`);
  return `${letter.rule} message delivered to ${letter.target}`;
}

/** A stream consumer's batch goes to it again, records and all (consumers are idempotent). */
async function deliverRecords(letter: StreamDeadLetter, options: FileModeOptions): Promise<string> {
  if (!letter.records) throw new Error(`kept as a count of ${letter.recordCount} records only: it cannot be redriven`);
  const handler = await options.loadHandler(letter.target);
  const response = (await handler({ Records: letter.records }, lambdaContext(letter.target, undefined, 900_000))) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
  const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
  if (failed) throw new Error(`${letter.target} failed again, from sequence number ${failed}`);
  return `${letter.records.length} records delivered to ${letter.target}`;
}

/** An event letter goes to the target it failed at (its rule's target), as the bus would call it. */
async function deliverEvent(letter: EventDeadLetter, options: FileModeOptions): Promise<string> {
  await invoke(letter.target, letter.event, options);
  return `${letter.event['detail-type']} delivered to ${letter.target}`;
}

/** A stream letter's records give their events again; each goes to every rule's target that takes it. */
async function deliverStreamBatch(letter: StreamDeadLetter, options: FileModeOptions): Promise<string> {
  if (!letter.records) throw new Error(`kept as a count of ${letter.recordCount} records only (written before letters kept their records): it cannot be redriven`);
  const drafts = draftsFromStreamRecords(letter.records);
  const deliveries: string[] = [];
  const failures: string[] = [];
  for (const draft of drafts) {
    const event = envelope(draft, options.now?.() ?? new Date());
    for (const rule of options.rules.filter((candidate) => candidate.detailTypes.includes(draft.detailType))) {
      try {
        await invoke(rule.target, event, options);
        deliveries.push(`${draft.detailType} → ${rule.target}`);
      } catch (error) {
        failures.push(`${draft.detailType} → ${rule.target}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  // The whole batch stays when any of its deliveries failed: those that worked will be delivered again, which consumers absorb.
  if (failures.length > 0) throw new Error(failures.join('; '));
  return deliveries.length > 0 ? `${letter.records.length} records: ${countBy(deliveries)}` : `${letter.records.length} records, no events for any rule`;
}

function envelope(draft: EventDraft, now: Date): BatonEvent {
  return { id: randomUUID(), source: EVENT_SOURCE, time: now.toISOString(), 'detail-type': draft.detailType, detail: draft.detail };
}

async function invoke(target: string, event: BatonEvent, options: FileModeOptions): Promise<void> {
  const handler = await options.loadHandler(target);
  await handler({ version: '0', account: 'local', region: 'local', resources: [], ...event }, lambdaContext(target));
}
