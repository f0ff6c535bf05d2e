import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { erasePerson, loggedId } from '../../shared/privacy/erasure.ts';
import { refreshPerson } from '../../shared/projection/use-cases.ts';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { id, memoryTenant, stage, touch, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const options = { now: () => new Date('2026-12-01T00:00:00Z') };
const erasedAt = new Date('2026-11-30T00:00:00Z');
const ana = { customerId: 'ana', anonymousId: 'browser' };

let deps: MemoryStores;
let tenant: TenantRecord;

beforeEach(async () => {
  deps = memoryStores();
  ({ tenant } = await memoryTenant(deps));
  await deps.records.recordTouches(tenant.tenantId, [touch({ occurredAt: '2026-11-09T10:00:00.000Z', person: ana, utm: { source: 'google', medium: 'cpc', campaign: 'bf' } })], 400);
  await deps.records.recordLinks(tenant.tenantId, [{ from: id('a:browser'), to: id('c:ana'), occurredAt: '2026-11-09T10:00:00.000Z' }], 400);
  await deps.records.recordStages(tenant.tenantId, [stage({ occurredAt: '2026-11-09T11:00:00.000Z', person: { customerId: 'ana' } })], 400);
  await deps.records.recordCheckout(tenant.tenantId, { externalId: 'o-1', anonymousId: 'browser', occurredAt: '2026-11-10T09:59:00.000Z' });
  await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: '2026-11-10T10:00:00.000Z', person: { customerId: 'ana' }, landingUrl: 'https://shop.example/ana' }));
  await refreshPerson(deps, tenant, [id('c:ana')], options);
});

describe('erasePerson (on in-memory stores)', () => {
  it('answers what it erased and kept', async () => {
    const entry = await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    expect(entry.erased).toEqual({ touches: 1, stages: 1, links: 1, transactions: 1, checkouts: 1, attributions: 1, projections: 1, droppedBatons: 0 });
  });

  it('deletes every touch, stage and link of the person, leaving only tombstones', async () => {
    await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    const records = await deps.records.personRecords(tenant.tenantId, [id('a:browser'), id('c:ana')]);
    expect(records).toMatchObject({ touches: [], stages: [], transactions: [], erasedIdentifiers: ['a:browser', 'c:ana'] });
    for (const identifier of ['a:browser', 'c:ana'] as const) expect([...deps.table.of(tenant.tenantId).partition(id(identifier)).keys()]).toEqual(['erased']);
  });

  it('hands the transactions to an anonymous heir, without landing page, and drops the browser’s checkout', async () => {
    const { erasureId } = await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    const order = await deps.records.getTransaction(tenant.tenantId, 'o-1');
    expect(order).toMatchObject({ identifiers: [`x:${erasureId}`], net: 10_000, status: 'counted' });
    expect(order?.landingUrl).toBeUndefined();
    expect(await deps.records.getCheckout(tenant.tenantId, 'o-1')).toBeUndefined();
  });

  it('hands the projection to the heir: the rollups stay, the attributions go', async () => {
    const rollupsBefore = structuredClone(deps.table.of(tenant.tenantId).rollups);

    const { erasureId } = await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    const heir = id(`x:${erasureId}`);
    expect([...(await deps.projections.getProjections(tenant.tenantId, [id('c:ana'), heir])).keys()]).toEqual([heir]);
    expect(deps.table.of(tenant.tenantId).rollups).toEqual(rollupsBefore);
    expect(await deps.projections.getAttribution(tenant.tenantId, 'o-1')).toBeUndefined();
  });

  it('logs the erasure with the ids as keyed hashes only', async () => {
    const entry = await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    const { entries } = await deps.erasures.list(tenant.tenantId, 10);
    expect(entries).toEqual([entry]);
    expect(entry.identifiers).toEqual([loggedId(tenant, id('a:browser')), loggedId(tenant, id('c:ana'))]);
    expect(JSON.stringify(entries)).not.toMatch(/ana|browser/);
  });

  it('finds nothing more when asked again', async () => {
    await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    const again = await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, new Date('2026-11-30T01:00:00Z'));

    expect(again.erased).toEqual({ touches: 0, stages: 0, links: 0, transactions: 0, checkouts: 0, attributions: 0, projections: 0, droppedBatons: 0 });
  });

  it('leaves a late record of the erased past out of every read', async () => {
    await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    await deps.records.recordTouches(tenant.tenantId, [touch({ touchId: 'late', occurredAt: '2026-11-09T12:00:00.000Z', person: { customerId: 'ana' } })], 400);

    const records = await deps.records.personRecords(tenant.tenantId, [id('c:ana')]);
    expect(records.touches).toEqual([]);
    expect(records.erasedLeftovers).toHaveLength(1);
  });

  it('takes the person out of the funnel’s listings, and keeps their order’s lines, which name no one', async () => {
    const listed = () => [...deps.table.of(tenant.tenantId).listings.values()];
    expect(listed().filter((entry) => entry.listing === 'people')).toHaveLength(3);

    await erasePerson(deps, tenant.tenantId, { customerId: 'ana' }, erasedAt);

    expect(listed().filter((entry) => entry.listing === 'people')).toEqual([]);
    expect(
      listed()
        .filter((entry) => entry.listing === 'orders')
        .map((entry) => [entry.groupBy, entry.key]),
    ).toContainEqual(['campaign', 'bf']);
    expect(JSON.stringify(listed())).not.toMatch(/ana|browser/);
  });

  it('refuses ids that belong to different people', async () => {
    await expect(erasePerson(deps, tenant.tenantId, { customerId: 'ana', anonymousId: 'someone-else' }, erasedAt)).rejects.toThrow(ValidationError);
  });
});
