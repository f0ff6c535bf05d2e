import * as z from 'zod';
import { JOB_KINDS, JOB_STATUSES, type Job } from '../../../jobs/recompute.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `JOB#<jobId>` / `JOB`: a job and its progress, added to by its tasks:
 * finished days and tasks as string sets (adding one twice changes
 * nothing), transactions and people as counters.
 */
const ENTITY = 'job' as const;

const JobItem = itemSchema(ENTITY, {
  jobId: z.string(),
  kind: z.enum(JOB_KINDS),
  status: z.enum(JOB_STATUSES),
  from: z.string(),
  to: z.string(),
  range: z.object({ start: z.string(), end: z.string() }),
  daysTotal: z.number(),
  doneDays: z.set(z.string()).optional(),
  doneTasks: z.set(z.string()).optional(),
  transactions: z.number(),
  people: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  failure: z.object({ day: z.string(), error: z.string() }).optional(),
});

export const jobEntity = {
  name: ENTITY,
  key: (tenantId: string, jobId: string): Key => ({ pk: tenantKey(tenantId, 'JOB', jobId), sk: 'JOB' }),
  toItem(tenantId: string, job: Job) {
    const { days, ...rest } = job;
    return { ...jobEntity.key(tenantId, job.jobId), ...stamp(ENTITY), ...rest, daysTotal: days.total };
  },
  fromItem(item: Item): Job {
    const { entity: _entity, v: _v, daysTotal, doneDays, doneTasks: _tasks, ...job } = JobItem.parse(item);
    return { ...job, days: { total: daysTotal, done: doneDays?.size ?? 0 } };
  },
  /** How many days of the job are done, from the item an update returned. */
  doneDays: (item: Item): { done: number; total: number } => {
    const { doneDays, daysTotal } = JobItem.parse(item);
    return { done: doneDays?.size ?? 0, total: daysTotal };
  },
};
