import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Job, runRecomputeTask, startRecompute } from '../../shared/jobs/recompute.ts';
import { refreshPerson } from '../../shared/projection/use-cases.ts';
import { cohorts } from '../../shared/read-models/cohorts.ts';
import { contentHash } from '../../shared/recording/hash.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import { RetriesExhaustedError } from '../../shared/runtime/retry.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { patchConfig } from '../../shared/tenants/use-cases.ts';
import { id, memoryTenant, stage, touch, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const day = '2026-11-10';
const at = (hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

let deps: MemoryStores;
let tenant: TenantRecord;

beforeEach(async () => {
  vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z'), toFake: ['Date'] });
  deps = memoryStores();
  ({ tenant } = await memoryTenant(deps));
});
afterEach(() => vi.useRealTimers());

const buys = (customerId: string, transactionId: string, hour = 10) => storeTransaction(deps, tenant, transaction({ transactionId, occurredAt: at(hour), person: { customerId } }));

/** Starts a recompute of the day and takes its one task off the queue. */
async function startDay(): Promise<{ job: Job; task: ReturnType<MemoryStores['queue']['drain']>[number] }> {
  const job = await startRecompute(deps, tenant.tenantId, { from: day, to: day });
  const [task] = deps.queue.drain();
  return { job, task: task! };
}

describe('runRecomputeTask (on in-memory stores)', () => {
  it('re-projects every person with a transaction that day, then everyone who reached a stage that day', async () => {
    await buys('ana', 'o-1');
    await buys('bo', 'o-2');
    await deps.records.recordStages(tenant.tenantId, [stage({ occurredAt: at(12), person: { customerId: 'cy' } })], 400);
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-3', occurredAt: '2026-11-11T10:00:00.000Z', person: { customerId: 'dee' } }));
    const { task } = await startDay();

    const result = await runRecomputeTask(deps, task);

    expect(result).toEqual({ transactions: 2, people: 3, continued: false });
    expect([...deps.table.of(tenant.tenantId).projections.keys()].sort()).toEqual(['c:ana', 'c:bo', 'c:cy']);
  });

  it('adds the day’s rollup deltas to the cells before the day is done; contended past the retries, leaves them to the stream’s applier', async () => {
    await buys('ana', 'o-1');
    const { job, task } = await startDay();
    const apply = deps.projections.applyRollupDeltas.bind(deps.projections);
    deps.projections.applyRollupDeltas = async () => {
      throw new RetriesExhaustedError('Applying rollup deltas', 8);
    };

    expect(await runRecomputeTask(deps, task)).toEqual({ transactions: 1, people: 1, continued: false });
    expect((await deps.jobs.get(tenant.tenantId, job.jobId))?.status).toBe('done');
    expect(deps.table.of(tenant.tenantId).rollupDeltas.length).toBeGreaterThan(0);

    deps.projections.applyRollupDeltas = apply;
    const second = await startDay();
    await runRecomputeTask(deps, second.task);
    expect(deps.table.of(tenant.tenantId).rollupDeltas).toEqual([]);
    expect(deps.table.of(tenant.tenantId).rollups.size).toBeGreaterThan(0);
  });

  it('projects each person once however many of their records the day has', async () => {
    await buys('ana', 'o-1', 9);
    await buys('ana', 'o-2', 11);
    await deps.records.recordStages(tenant.tenantId, [stage({ occurredAt: at(8), person: { customerId: 'ana' } })], 400);
    const { task } = await startDay();

    expect(await runRecomputeTask(deps, task)).toEqual({ transactions: 2, people: 1, continued: false });
  });

  it('re-attributes the day’s orders under the current config, where a projection keeps the config they had', async () => {
    await buys('ana', 'o-1');
    await refreshPerson(deps, tenant, [id('c:ana')]);
    await patchConfig(deps.tenants, tenant.tenantId, { lookbackDays: 7 });
    tenant = (await deps.tenants.getTenant(tenant.tenantId))!;
    const configOf = async () => (await deps.projections.getProjections(tenant.tenantId, [id('c:ana')])).get(id('c:ana'))?.orders['o-1']?.configHash;
    await refreshPerson(deps, tenant, [id('c:ana')]);
    expect(await configOf()).not.toBe(contentHash(tenant.config));
    const { task } = await startDay();

    await runRecomputeTask(deps, task);

    expect(await configOf()).toBe(contentHash(tenant.config));
  });

  it('rebuilds the cohorts under the current config: a customer moves to the key the re-attributed first order now credits', async () => {
    await deps.records.recordTouches(
      tenant.tenantId,
      [touch({ occurredAt: '2026-11-01T10:00:00.000Z', person: { customerId: 'ana' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'spring' } })],
      400,
    );
    await buys('ana', 'o-1');
    await refreshPerson(deps, tenant, [id('c:ana')]);
    await deps.projections.applyRollupDeltas(tenant.tenantId);
    const keys = async () =>
      (await cohorts(deps, tenant.tenantId, { from: '2026-11', to: '2026-11', groupBy: 'campaign', model: 'last_touch', months: 1 })).rows.map((row) => [row.key, row.customers]);
    expect(await keys()).toEqual([['spring', 1]]);
    // the touch nine days before the order falls out of a 7-day lookback once the day is recomputed
    await patchConfig(deps.tenants, tenant.tenantId, { lookbackDays: 7 });
    tenant = (await deps.tenants.getTenant(tenant.tenantId))!;
    const { task } = await startDay();

    await runRecomputeTask(deps, task);

    expect(await keys()).toEqual([['(none)', 1]]);
  });

  it('marks the job done with its counts when the last day is done, and clears the advice to recompute', async () => {
    await buys('ana', 'o-1');
    await patchConfig(deps.tenants, tenant.tenantId, { lookbackDays: 7 });
    vi.setSystemTime(new Date('2026-12-01T00:01:00Z'));
    const { job, task } = await startDay();

    await runRecomputeTask(deps, task);

    expect(await deps.jobs.get(tenant.tenantId, job.jobId)).toMatchObject({ status: 'done', days: { total: 1, done: 1 }, transactions: 1, people: 1 });
    expect((await deps.tenants.getTenant(tenant.tenantId))?.recomputeAdvised).toBeUndefined();
  });

  it('counts a task delivered twice once', async () => {
    await buys('ana', 'o-1');
    const { job, task } = await startDay();

    await runRecomputeTask(deps, task);
    await runRecomputeTask(deps, task);

    expect(await deps.jobs.get(tenant.tenantId, job.jobId)).toMatchObject({ transactions: 1, people: 1 });
  });

  it('hands the rest of a day too big for one invocation to a new task, which finishes it', async () => {
    for (let n = 0; n < 51; n += 1) await buys(`c${n}`, `o-${String(n).padStart(2, '0')}`, 10);
    const { job, task } = await startDay();

    const first = await runRecomputeTask(deps, task, () => 0);

    expect(first).toEqual({ transactions: 50, people: 50, continued: true });
    const [rest] = deps.queue.drain();
    expect(rest).toMatchObject({ tenantId: tenant.tenantId, jobId: job.jobId, day, after: deps.timeline.position({ occurredAt: at(10), transactionId: 'o-49' }) });
    expect(await deps.jobs.get(tenant.tenantId, job.jobId)).toMatchObject({ status: 'running', transactions: 50 });

    expect(await runRecomputeTask(deps, rest!)).toEqual({ transactions: 1, people: 1, continued: false });
    expect(await deps.jobs.get(tenant.tenantId, job.jobId)).toMatchObject({ status: 'done', transactions: 51, people: 51 });
  });

  it('does nothing for a job that is not there', async () => {
    expect(await runRecomputeTask(deps, { tenantId: tenant.tenantId, jobId: 'job_gone', day })).toEqual({ transactions: 0, people: 0, continued: false });
  });
});
