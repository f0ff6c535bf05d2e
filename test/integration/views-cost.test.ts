import { beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/lib.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { cohorts } from '../../shared/read-models/cohorts.ts';
import { attributionOrders, FunnelPeopleQuerySchema, funnelPeople, OrdersQuerySchema } from '../../shared/read-models/listings.ts';
import { compare, report } from '../../shared/read-models/reports.ts';
import { funnel, handoffs, paths, salesReport } from '../../shared/read-models/views.ts';
import { newTenant } from '../support/api.ts';
import { seedProjections, syntheticPeople } from '../support/people.ts';

const deps = stores();
const counter = new RequestCounter(documentClient());
const tenants: Record<number, string> = {};
const seeded: Record<number, { dropped: number; listed: number }> = {};
/** The listings the cost is measured on: one row's orders and one funnel row's people over the month's last ten days (all of them would be ~150,000 lines). */
const LISTED = { from: '2026-10-22', to: '2026-10-31' };
const MEASURED = (entry: { groupBy: string; key: string; position: string }) => entry.groupBy === 'channel' && entry.key === 'Paid Search' && entry.position >= LISTED.from;

beforeAll(async () => {
  for (const people of [100, 10_000]) {
    const tenant = await newTenant();
    tenants[people] = tenant.tenantId;
    seeded[people] = await seedProjections(deps.projections, tenant.tenantId, syntheticPeople(people), MEASURED);
  }
}, 120_000);

const period = { from: '2026-10-01', to: '2026-10-31' };
const views: Record<string, (tenantId: string) => Promise<unknown>> = {
  funnel: (tenantId) => funnel(deps, tenantId, { ...period, groupBy: 'campaign' }),
  handoffs: (tenantId) => handoffs(deps, tenantId, period),
  'sales report': (tenantId) => salesReport(deps, tenantId, { ...period, groupBy: 'rep' }),
  paths: (tenantId) => paths(deps, tenantId, { ...period, limit: 20 }),
  'attribution report': (tenantId) => report(deps, tenantId, { ...period, groupBy: 'campaign', model: 'linear' }),
  compare: (tenantId) => compare(deps, tenantId, { ...period, groupBy: 'channel' }),
  'a row’s orders, first page': (tenantId) => attributionOrders(deps, tenantId, OrdersQuerySchema.parse({ ...LISTED, groupBy: 'channel', key: 'Paid Search', model: 'linear' })),
  'a row’s orders, a later page': async (tenantId) => {
    const query = { ...LISTED, groupBy: 'channel', key: 'Paid Search', model: 'linear', limit: '5' };
    const first = await attributionOrders(deps, tenantId, OrdersQuerySchema.parse(query));
    counter.reset();
    return attributionOrders(deps, tenantId, OrdersQuerySchema.parse({ ...query, cursor: first.nextCursor }));
  },
  'a funnel row’s people': (tenantId) => funnelPeople(deps, tenantId, FunnelPeopleQuerySchema.parse({ ...LISTED, groupBy: 'channel', key: 'Paid Search' })),
  cohorts: (tenantId) => cohorts(deps, tenantId, { from: '2026-05', to: '2026-10', groupBy: 'campaign', months: 12 }),
};

describe('the views cost the same for 100 and for 10,000 people', () => {
  it('seeded both tenants with real projections, the larger with 100 times the people', async () => {
    const small = await funnel(deps, tenants[100]!, { ...period, groupBy: 'campaign' });
    const large = await funnel(deps, tenants[10_000]!, { ...period, groupBy: 'campaign' });
    expect(large.totals.acquired).toBeGreaterThan(50 * small.totals.acquired);
    const customers = async (tenantId: string) => (await cohorts(deps, tenantId, { from: '2026-05', to: '2026-10', groupBy: 'none', months: 12 })).rows.reduce((sum, row) => sum + row.customers, 0);
    expect(await customers(tenants[10_000]!)).toBeGreaterThan(50 * (await customers(tenants[100]!)));
    expect(seeded[10_000]!.dropped).toBeGreaterThan(100);
    expect(seeded[10_000]!.listed).toBeGreaterThan(50 * seeded[100]!.listed);
  });

  it('listed enough of a row’s orders in both tenants for a later page', async () => {
    for (const people of [100, 10_000]) {
      const first = await attributionOrders(deps, tenants[people]!, OrdersQuerySchema.parse({ ...LISTED, groupBy: 'channel', key: 'Paid Search', model: 'linear', limit: '5' }));
      expect(first.orders).toHaveLength(5);
      expect(first.nextCursor).toBeDefined();
    }
  });

  it.each(Object.keys(views))('%s: the same DynamoDB requests', async (name) => {
    const requests: Record<number, string> = {};
    for (const people of [100, 10_000]) {
      counter.reset();
      await views[name]!(tenants[people]!);
      requests[people] = counter.describe();
    }
    expect(requests[10_000]).toBe(requests[100]);
    expect(counter.total).toBeLessThanOrEqual(12);
  });
});
