import type { Job, JobStore, RecomputeTask, TaskQueue } from '../../../shared/jobs/recompute.ts';
import { copy, type MemoryTable } from './table.ts';

/** Jobs in memory: a task's work counts once however often it is delivered; a job ends once. */
export class MemoryJobStore implements JobStore {
  constructor(private readonly table: MemoryTable) {}

  async create(tenantId: string, job: Job): Promise<void> {
    const jobs = this.table.of(tenantId).jobs;
    if (jobs.has(job.jobId)) throw new Error(`Job ${job.jobId} exists`);
    jobs.set(job.jobId, { job: copy(job), doneDays: new Set(), doneTasks: new Set() });
  }

  async get(tenantId: string, jobId: string): Promise<Job | undefined> {
    const stored = this.table.of(tenantId).jobs.get(jobId);
    return stored && { ...copy(stored.job), days: { total: stored.job.days.total, done: stored.doneDays.size } };
  }

  async progress(tenantId: string, jobId: string, work: { taskKey: string; day: string; transactions: number; people: number; dayDone: boolean }, at: string): Promise<'running' | 'done'> {
    const stored = this.table.of(tenantId).jobs.get(jobId);
    if (!stored || stored.doneTasks.has(work.taskKey)) return 'running';
    stored.doneTasks.add(work.taskKey);
    stored.job.transactions += work.transactions;
    stored.job.people += work.people;
    if (!work.dayDone) return 'running';
    stored.doneDays.add(work.day);
    if (stored.doneDays.size < stored.job.days.total || stored.job.status !== 'running') return 'running';
    Object.assign(stored.job, { status: 'done', finishedAt: at });
    return 'done';
  }

  async fail(tenantId: string, jobId: string, failure: { day: string; error: string }, at: string): Promise<void> {
    const stored = this.table.of(tenantId).jobs.get(jobId);
    if (stored?.job.status === 'running') Object.assign(stored.job, { status: 'failed', finishedAt: at, failure: { ...failure } });
  }
}

/** A queue that keeps what it is given, for a test to run (and to see). */
export class MemoryTaskQueue implements TaskQueue {
  readonly tasks: RecomputeTask[] = [];

  async enqueue(tasks: readonly RecomputeTask[]): Promise<void> {
    // Through JSON, as a message body goes.
    this.tasks.push(...tasks.map((task) => JSON.parse(JSON.stringify(task)) as RecomputeTask));
  }

  /** Takes every queued task, oldest first. */
  drain(): RecomputeTask[] {
    return this.tasks.splice(0);
  }
}
