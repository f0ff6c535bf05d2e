import { beforeEach, describe, expect, it } from 'vitest';
import { storeTransaction } from '../../shared/recording/use-cases.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { id, memoryTenant, touch, transaction } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const buyer = { customerId: 'ana' };
const at = '2026-11-10T10:00:00.000Z';
const later = '2026-11-12T10:00:00.000Z';

let deps: MemoryStores;
let tenant: TenantRecord;

beforeEach(async () => {
  deps = memoryStores();
  ({ tenant } = await memoryTenant(deps));
});

describe('storeTransaction (on in-memory stores)', () => {
  it('stores an order and counts it', async () => {
    const answer = await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));

    expect(answer).toEqual({ transactionId: 'o-1', outcome: 'stored', status: 'counted' });
    expect(await deps.records.getTransaction(tenant.tenantId, 'o-1')).toMatchObject({ status: 'counted', counted: { net: 10_000 } });
  });

  it('answers the same transaction again as a duplicate, with what is counted of it', async () => {
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));

    const again = await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));

    expect(again).toEqual({ transactionId: 'o-1', outcome: 'duplicate', status: 'counted' });
  });

  it('answers the same id with other content as a conflict, and keeps the first', async () => {
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));

    const other = await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer, gross: '99.00' }));

    expect(other).toEqual({ transactionId: 'o-1', outcome: 'conflict' });
    expect((await deps.records.getTransaction(tenant.tenantId, 'o-1'))?.gross).toBe(10_000);
  });

  it('writes its touches and identity links with it, under the buyer', async () => {
    const landing = touch({ touchId: 'o-1-landing', occurredAt: at, person: { ...buyer, anonymousId: 'browser' }, url: 'https://shop.example/?utm_source=google&utm_medium=cpc' });

    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: { ...buyer, anonymousId: 'browser' } }), { touches: [landing] });

    const person = await deps.records.personRecords(tenant.tenantId, [id('c:ana')]);
    expect(person.identifiers).toEqual(['a:browser', 'c:ana']);
    expect(person.touches.map(({ touchId }) => touchId)).toEqual(['o-1-landing']);
    expect(person.transactions.map(({ transactionId }) => transactionId)).toEqual(['o-1']);
  });

  it('keeps a refund whose order is not there yet, pending, and counts it once the order arrives', async () => {
    const refund = await storeTransaction(deps, tenant, transaction({ transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: later, person: buyer, gross: '30.00' }));
    expect(refund).toEqual({ transactionId: 'r-1', outcome: 'stored', status: 'pending' });

    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));

    expect(await deps.records.getTransaction(tenant.tenantId, 'r-1')).toMatchObject({ status: 'counted', counted: { net: 3_000 } });
  });

  it('refuses a refund that would take back more than its order had: nothing of it is stored', async () => {
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));
    await storeTransaction(deps, tenant, transaction({ transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: later, person: buyer, gross: '60.00' }));

    const second = await storeTransaction(deps, tenant, transaction({ transactionId: 'r-2', kind: 'refund', orderId: 'o-1', occurredAt: later, person: buyer, gross: '60.00' }));

    expect(second).toMatchObject({ outcome: 'conflict', status: 'conflict', adjustmentConflict: { code: 'exceeds_order', field: 'gross' } });
    expect(await deps.records.getTransaction(tenant.tenantId, 'r-2')).toBeUndefined();
  });

  it('lets concurrent refunds together take back no more than the order had (the loser re-reads and retries)', async () => {
    await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }));

    const answers = await Promise.all(
      ['r-1', 'r-2'].map((transactionId) => storeTransaction(deps, tenant, transaction({ transactionId, kind: 'refund', orderId: 'o-1', occurredAt: later, person: buyer, gross: '60.00' }))),
    );

    expect(answers.map(({ outcome }) => outcome).sort()).toEqual(['conflict', 'stored']);
    expect((await deps.records.getSettlement(tenant.tenantId, 'o-1')).adjustments).toHaveLength(1);
  });

  it('links the browser that checked an order out before it arrived to its buyer', async () => {
    await deps.records.recordCheckout(tenant.tenantId, { externalId: 'o-1', anonymousId: 'browser', occurredAt: at });

    const answer = await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: later, person: buyer }));

    expect(answer.outcome).toBe('stored');
    expect(await deps.records.linkedIdentifiers(tenant.tenantId, [id('c:ana')])).toEqual(['a:browser', 'c:ana']);
  });

  it('settles a refund that named another name of the order (an alias) with the order, once the order names it', async () => {
    await storeTransaction(deps, tenant, transaction({ transactionId: 'r-1', kind: 'refund', orderId: 'stripe-pi:pi_1', occurredAt: later, person: buyer, gross: '30.00' }));

    const order = await storeTransaction(deps, tenant, transaction({ transactionId: 'o-1', occurredAt: at, person: buyer }), { aliases: ['stripe-pi:pi_1'] });

    expect(order.outcome).toBe('stored');
    expect(await deps.records.resolveAlias(tenant.tenantId, 'stripe-pi:pi_1')).toBe('o-1');
    expect(await deps.records.getTransaction(tenant.tenantId, 'r-1')).toMatchObject({ status: 'counted' });
    expect((await deps.records.getSettlement(tenant.tenantId, 'stripe-pi:pi_1')).redirect).toBe('o-1');
  });
});
