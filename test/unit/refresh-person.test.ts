import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cells } from '../../shared/projection/cells.ts';
import { projectRecords, refreshPerson } from '../../shared/projection/use-cases.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { id, memoryTenant, touch, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const options = { now: () => new Date('2026-12-01T00:00:00Z') };
const ana = { customerId: 'ana' };
const ad = (person: { customerId?: string; anonymousId?: string }, occurredAt = '2026-11-09T10:00:00.000Z') =>
  touch({ occurredAt, person, utm: { source: 'google', medium: 'cpc', campaign: 'black-friday' } });

let deps: MemoryStores;
let tenant: TenantRecord;

beforeEach(async () => {
  deps = memoryStores();
  ({ tenant } = await memoryTenant(deps));
});

/** An order of Ana's after an ad click, stored as the API stores it. */
async function anaBuys(transactionId = 'o-1', occurredAt = '2026-11-10T10:00:00.000Z') {
  await deps.records.recordTouches(tenant.tenantId, [ad(ana)], 400);
  await storeTransaction(deps, tenant, transaction({ transactionId, occurredAt, person: ana }));
}

describe('refreshPerson (on in-memory stores)', () => {
  it('saves the projection of a person with their attributions and rollup cells', async () => {
    await anaBuys();

    const outcome = await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(outcome).toEqual({ personKey: 'c:ana', changed: true, orders: 1 });
    // The cells move once the applier adds the saved delta (the stream's next hop).
    expect(deps.table.of(tenant.tenantId).rollups.size).toBe(0);
    expect(await deps.projections.applyRollupDeltas(tenant.tenantId)).toEqual({ applied: 1, writes: 1, conflicts: 0 });
    expect((await deps.projections.getProjections(tenant.tenantId, [id('c:ana')])).get(id('c:ana'))).toMatchObject({ version: 1, identifiers: ['c:ana'] });
    expect(await deps.projections.getAttribution(tenant.tenantId, 'o-1')).toMatchObject({ personKey: 'c:ana', version: 1 });
    expect([...deps.table.of(tenant.tenantId).rollups.keys()].map((cell) => cells.parse(cell).family)).toContain('totals');
  });

  it('saves nothing when nothing changed since the last projection', async () => {
    await anaBuys();
    await refreshPerson(deps, tenant, [id('c:ana')], options);
    const save = vi.spyOn(deps.projections, 'save');

    const outcome = await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(outcome.changed).toBe(false);
    expect(save).not.toHaveBeenCalled();
  });

  it('saves nothing for a person with nothing recorded', async () => {
    const outcome = await refreshPerson(deps, tenant, [id('c:nobody')], options);

    expect(outcome).toEqual({ personKey: 'c:nobody', changed: false, orders: 0 });
    expect(deps.table.of(tenant.tenantId).projections.size).toBe(0);
  });

  it('merges the projections of ids found to be one person: the smallest id keeps it, the others are retired', async () => {
    await deps.records.recordTouches(tenant.tenantId, [ad({ anonymousId: 'browser' })], 400);
    await refreshPerson(deps, tenant, [id('a:browser')], options);
    await anaBuys();
    await refreshPerson(deps, tenant, [id('c:ana')], options);

    await deps.records.recordLinks(tenant.tenantId, [{ from: id('a:browser'), to: id('c:ana'), occurredAt: '2026-11-10T09:00:00.000Z' }], 400);
    await refreshPerson(deps, tenant, [id('c:ana')], options);

    const stored = await deps.projections.getProjections(tenant.tenantId, [id('a:browser'), id('c:ana')]);
    expect([...stored.keys()]).toEqual(['a:browser']);
    expect(stored.get(id('a:browser'))?.identifiers).toEqual(['a:browser', 'c:ana']);
  });

  it('starts again when its save lost a race to another projection', async () => {
    await anaBuys();
    const save = vi.spyOn(deps.projections, 'save').mockResolvedValueOnce('stale');

    const outcome = await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(outcome.changed).toBe(true);
    expect(save).toHaveBeenCalledTimes(2);
  });

  it('reads a person the seeds name whole once: their projections, then their history, and no read of links alone', async () => {
    await anaBuys();
    const projections = vi.spyOn(deps.projections, 'getProjections');
    const history = vi.spyOn(deps.records, 'personRecords');
    const links = vi.spyOn(deps.records, 'linkedIdentifiers');

    await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(projections.mock.calls.map(([, ids]) => ids)).toEqual([['c:ana']]);
    expect(history.mock.calls.map(([, ids]) => ids)).toEqual([['c:ana']]);
    expect(links).not.toHaveBeenCalled();
  });

  it('reads the projections of the ids its walk of links finds, then the history again, before it projects', async () => {
    await anaBuys();
    await deps.records.recordLinks(tenant.tenantId, [{ from: id('a:browser'), to: id('c:ana'), occurredAt: '2026-11-10T09:00:00.000Z' }], 400);
    const reads: string[] = [];
    const getProjections = deps.projections.getProjections.bind(deps.projections);
    const personRecords = deps.records.personRecords.bind(deps.records);
    vi.spyOn(deps.projections, 'getProjections').mockImplementation(async (tenantId, ids) => {
      reads.push(`projections ${ids.join(' ')}`);
      return getProjections(tenantId, ids);
    });
    vi.spyOn(deps.records, 'personRecords').mockImplementation(async (tenantId, ids) => {
      reads.push(`history ${ids.join(' ')}`);
      return personRecords(tenantId, ids);
    });

    await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(reads).toEqual(['projections c:ana', 'history c:ana', 'projections a:browser c:ana', 'history a:browser c:ana']);
    expect([...(await deps.projections.getProjections(tenant.tenantId, [id('a:browser')])).keys()]).toEqual(['a:browser']);
  });

  it('starts again when links keep arriving while it reads (the person changed meanwhile)', async () => {
    await anaBuys();
    const personRecords = deps.records.personRecords.bind(deps.records);
    let arrived = 0;
    vi.spyOn(deps.records, 'personRecords').mockImplementation(async (tenantId, ids) => {
      if (arrived < 3) {
        arrived += 1;
        await deps.records.recordLinks(tenantId, [{ from: id(`a:tab${arrived}`), to: id('c:ana'), occurredAt: '2026-11-10T09:00:00.000Z' }], 400);
      }
      return personRecords(tenantId, ids);
    });
    const save = vi.spyOn(deps.projections, 'save');

    await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0]![1].projection.identifiers).toEqual(['a:tab1', 'a:tab2', 'a:tab3', 'c:ana']);
  });

  it('never saves over the projection of an erased id (the erasure hands it over)', async () => {
    await anaBuys();
    await refreshPerson(deps, tenant, [id('c:ana')], options);
    await deps.records.markErased(tenant.tenantId, [id('c:ana')], { erasureId: 'er_1', erasedAt: '2026-11-30T00:00:00.000Z', heir: id('x:er_1') });

    const outcome = await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect(outcome.changed).toBe(false);
    expect((await deps.projections.getProjections(tenant.tenantId, [id('c:ana')])).get(id('c:ana'))?.version).toBe(1);
  });

  it('clears what arrived of an erased past, and projects the heir its transactions go to', async () => {
    await deps.records.markErased(tenant.tenantId, [id('c:ana')], { erasureId: 'er_1', erasedAt: '2026-11-30T00:00:00.000Z', heir: id('x:er_1') });
    await anaBuys();

    await refreshPerson(deps, tenant, [id('c:ana')], options);

    expect((await deps.records.personRecords(tenant.tenantId, [id('c:ana')])).erasedLeftovers).toEqual([]);
    expect((await deps.records.getTransaction(tenant.tenantId, 'o-1'))?.identifiers).toEqual(['x:er_1']);
    expect([...(await deps.projections.getProjections(tenant.tenantId, [id('x:er_1')])).keys()]).toEqual(['x:er_1']);
  });
});

describe('projectRecords (on in-memory stores)', () => {
  it('projects a person once for all of their records in a batch', async () => {
    await anaBuys();
    const save = vi.spyOn(deps.projections, 'save');
    const order = (await deps.records.getTransaction(tenant.tenantId, 'o-1'))!;

    const groups = await projectRecords(
      deps,
      tenant,
      [
        { record: 1, trigger: { kind: 'transaction', transaction: order } },
        { record: 2, trigger: { kind: 'person', identifiers: [id('c:ana')] } },
        { record: 3, trigger: { kind: 'person', identifiers: [id('c:ana'), id('a:browser')] } },
      ],
      options,
    );

    expect(groups.map((group) => group.records)).toEqual([[1, 2, 3]]);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('projects a refund as part of its order’s buyer', async () => {
    await anaBuys();
    await storeTransaction(deps, tenant, transaction({ transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-11-12T10:00:00.000Z', gross: '10.00' }));
    const refund = (await deps.records.getTransaction(tenant.tenantId, 'r-1'))!;

    const [group] = await projectRecords(deps, tenant, [{ record: 'r-1', trigger: { kind: 'transaction', transaction: refund } }], options);

    expect(group?.outcome?.personKey).toBe('c:ana');
  });

  it('reports a group that failed with its records, and still projects the others', async () => {
    await anaBuys();
    await deps.records.recordTouches(tenant.tenantId, [ad({ customerId: 'bo' })], 400);
    const failure = new Error('store down');
    const personRecords = deps.records.personRecords.bind(deps.records);
    vi.spyOn(deps.records, 'personRecords').mockImplementation(async (tenantId, seeds) => {
      if (seeds.includes(id('c:bo'))) throw failure;
      return personRecords(tenantId, seeds);
    });

    const groups = await projectRecords(
      deps,
      tenant,
      [
        { record: 'ana', trigger: { kind: 'person', identifiers: [id('c:ana')] } },
        { record: 'bo', trigger: { kind: 'person', identifiers: [id('c:bo')] } },
      ],
      options,
    );

    expect(groups).toEqual([
      { records: ['ana'], outcome: expect.objectContaining({ personKey: 'c:ana', changed: true }) },
      { records: ['bo'], error: failure },
    ]);
  });
});
