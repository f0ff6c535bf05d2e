import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { JobSchema } from '../api/responses/jobs.ts';
import { NotFoundError } from '../errors.ts';
import type { TransactionTimeline } from '../exports/ports.ts';
import { applyRollupDeltasOrLeave, type ProjectionDeps, type ProjectionTrigger, projectRecords } from '../projection/use-cases.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { DaySchema, eachDay, periodCheck } from '../time/days.ts';

/**
 * Recompute as a job (issue 11): `POST /v1/attribution/recompute` starts a
 * job over a range of days and answers its id at once; the work fans out, a
 * task per day, over a queue (SQS on AWS, the in-process queue locally), so
 * a year re-projects in parallel; `GET /v1/jobs/{id}` shows its progress.
 * A task re-projects, under the tenant's current config, every person with
 * a transaction on its day, then every other person who reached a funnel
 * stage that day (a qualified prospect who never bought is in the funnel
 * and the handoff too, under `lookbackDays`, the boundary and
 * `handoffSlaHours`); each person once per task. A person with only touches
 * has no figure a setting moves. A day too big for
 * one invocation hands the rest of itself to a new task.
 */
export const MAX_RECOMPUTE_DAYS = 366;

export const RecomputeBodySchema = z.object({ from: DaySchema, to: DaySchema }).strict().superRefine(periodCheck(MAX_RECOMPUTE_DAYS));

export const JOB_STATUSES = ['running', 'done', 'failed'] as const;
/** `recompute` re-attributes under the current config; `reconvert` re-projects with each order's own config, for new rates (docs/contract.md#one-reporting-currency). */
export const JOB_KINDS = ['recompute', 'reconvert'] as const;

/** A recompute job and its progress (its schema is the answer of POST /v1/attribution/recompute and GET /v1/jobs/{jobId}). */
export type Job = z.infer<typeof JobSchema>;

/** One day of a job (or the rest of one, after `after`). */
export const RecomputeTaskSchema = z.object({
  tenantId: z.string(),
  jobId: z.string(),
  day: DaySchema,
  /** Continue after this position (`TransactionTimeline.position`) of the day's transactions. */
  after: z.string().optional(),
  /** The day's transactions are done: continue with its other people, after this identifier (in sort order) if given. */
  people: z.object({ after: z.string().optional() }).optional(),
});

export type RecomputeTask = z.infer<typeof RecomputeTaskSchema>;

export interface JobStore {
  create(tenantId: string, job: Job): Promise<void>;
  get(tenantId: string, jobId: string): Promise<Job | undefined>;
  /**
   * Adds a task's work once (a task delivered twice, as queues may, counts
   * once: `taskKey` names it); a finished day counts towards `days.done`,
   * and the last one marks the job done: `done` then (once, to the task that finished it).
   */
  progress(tenantId: string, jobId: string, work: { taskKey: string; day: string; transactions: number; people: number; dayDone: boolean }, at: string): Promise<'running' | 'done'>;
  /** Marks a running job failed: one of its tasks kept failing (its message is in the queue's dead letters). */
  fail(tenantId: string, jobId: string, failure: { day: string; error: string }, at: string): Promise<void>;
}

export interface TaskQueue {
  enqueue(tasks: readonly RecomputeTask[]): Promise<void>;
}

export interface JobDeps extends ProjectionDeps {
  jobs: JobStore;
  queue: TaskQueue;
  timeline: TransactionTimeline;
}

export async function startRecompute(
  deps: Pick<JobDeps, 'tenants' | 'jobs' | 'queue'>,
  tenantId: string,
  input: { from: string; to: string },
  now: Date = new Date(),
  kind: Job['kind'] = 'recompute',
): Promise<Job> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const { start, end } = calendarOf(tenant).dayRange(input.from, input.to);
  const days = eachDay(input.from, input.to);
  const job: Job = {
    jobId: `job_${randomUUID()}`,
    kind,
    status: 'running',
    from: input.from,
    to: input.to,
    range: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    days: { total: days.length, done: 0 },
    transactions: 0,
    people: 0,
    createdAt: now.toISOString(),
  };
  await deps.jobs.create(tenantId, job);
  await deps.queue.enqueue(days.map((day) => ({ tenantId, jobId: job.jobId, day })));
  return job;
}

export async function getJob(deps: Pick<JobDeps, 'jobs'>, tenantId: string, jobId: string): Promise<Job> {
  const job = await deps.jobs.get(tenantId, jobId);
  if (!job) throw new NotFoundError(`No job ${jobId}.`);
  return job;
}

/** How much of an invocation's time a task leaves unused before it hands the rest of its day on. */
const HANDOFF_MARGIN_MS = 60_000;

/**
 * One task: the day's transactions (its part of the job's range), each
 * person among them re-projected once with the job's range under the
 * current config. Stops early, handing the rest of the day to a new task,
 * when the invocation runs out of time.
 */
export async function runRecomputeTask(deps: JobDeps, task: RecomputeTask, remainingMs: () => number = () => Infinity): Promise<{ transactions: number; people: number; continued: boolean }> {
  const job = await deps.jobs.get(task.tenantId, task.jobId);
  if (!job) return { transactions: 0, people: 0, continued: false };
  const tenant = await requireTenant(deps.tenants, task.tenantId);
  const calendar = calendarOf(tenant);
  const { start, end } = calendar.dayRange(task.day, task.day);
  const from = new Date(Math.max(start, Date.parse(job.range.start))).toISOString();
  const to = new Date(Math.min(end, Date.parse(job.range.end))).toISOString();
  const recompute = { from: Date.parse(job.range.start), to: Date.parse(job.range.end) };
  let transactions = 0;
  let people = 0;
  const projected = new Set<string>();
  const project = async (batch: Array<{ record: string; trigger: ProjectionTrigger }>) => {
    if (batch.length === 0) return;
    const groups = await projectRecords(deps, tenant, batch, job.kind === 'recompute' ? { recompute, reason: 'config' } : { reason: 'fx_rate' });
    const failed = groups.find((group) => 'error' in group);
    if (failed && 'error' in failed) throw failed.error;
    for (const group of groups) if (group.outcome) projected.add(group.outcome.personKey);
    people += groups.length;
  };
  const handOff = async (next: RecomputeTask) => {
    await deps.jobs.progress(task.tenantId, task.jobId, { taskKey: taskKeyOf(task), day: task.day, transactions, people, dayDone: false }, new Date().toISOString());
    await deps.queue.enqueue([next]);
    return { transactions, people, continued: true };
  };

  if (!task.people) {
    let batch: Array<{ record: string; trigger: ProjectionTrigger }> = [];
    for await (const transaction of deps.timeline.between(task.tenantId, from, to, task.after)) {
      batch.push({ record: deps.timeline.position(transaction), trigger: { kind: 'transaction', transaction } });
      if (batch.length === BATCH) {
        const position = batch[batch.length - 1]!.record;
        await project(batch);
        transactions += batch.length;
        batch = [];
        if (remainingMs() < HANDOFF_MARGIN_MS) return handOff({ tenantId: task.tenantId, jobId: task.jobId, day: task.day, after: position });
      }
    }
    await project(batch);
    transactions += batch.length;
  }

  // Everyone else who reached a stage that day: markers by UTC day, so the UTC days the local day spans.
  const utcDays = new Set([new Date(start).toISOString().slice(0, 10), new Date(end - 1).toISOString().slice(0, 10)]);
  const active = [...new Set((await Promise.all([...utcDays].map((utcDay) => deps.records.activePeople(task.tenantId, utcDay)))).flat())].sort();
  const remaining = active.filter((identifier) => !projected.has(identifier) && (!task.people?.after || identifier > task.people.after));
  for (let index = 0; index < remaining.length; index += BATCH) {
    const slice = remaining.slice(index, index + BATCH);
    await project(slice.map((identifier) => ({ record: identifier, trigger: { kind: 'person', identifiers: [identifier] } })));
    if (index + BATCH < remaining.length && remainingMs() < HANDOFF_MARGIN_MS) {
      return handOff({ tenantId: task.tenantId, jobId: task.jobId, day: task.day, people: { after: slice[slice.length - 1]! } });
    }
  }
  // The day's people's rollup deltas are in the cells before the day counts as done (its projections are all saved).
  await applyRollupDeltasOrLeave(deps.projections, task.tenantId, { jobId: task.jobId, day: task.day });
  const status = await deps.jobs.progress(task.tenantId, task.jobId, { taskKey: taskKeyOf(task), day: task.day, transactions, people, dayDone: true }, new Date().toISOString());
  // Settings changed before this job started are now what every figure of its range was computed under.
  if (status === 'done' && job.kind === 'recompute') await deps.tenants.clearRecomputeAdvice(task.tenantId, job.createdAt);
  return { transactions, people, continued: false };
}

/** Records (transactions, or people) projected together: one read of each history, the people of one batch in parallel. */
const BATCH = 50;

function taskKeyOf(task: RecomputeTask): string {
  if (task.people) return `${task.day}@people${task.people.after ? `@${task.people.after}` : ''}`;
  return task.after ? `${task.day}@${task.after}` : task.day;
}
