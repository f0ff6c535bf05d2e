import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { type CellFamily, type Contributions, cells, sum } from '../../shared/projection/cells.ts';
import { GROUP_BYS, projectPerson } from '../../shared/projection/person.ts';
import type { RollupCell } from '../../shared/projection/ports.ts';
import { compare, report } from '../../shared/read-models/reports.ts';
import { type AttributeOf, contribute, decode, decodeCell, encode, ROLLUPS } from '../../shared/read-models/rollups.ts';
import { funnel, handoffs, paths, salesReport } from '../../shared/read-models/views.ts';
import { defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { dayOf } from '../../shared/time/days.ts';
import { syntheticPeople } from '../support/people.ts';

const FAMILIES: CellFamily[] = [...HEURISTIC_MODELS, 'totals', 'paths', 'pathstats', 'sales', 'funnel', 'handoff'];
const declarationOf = (family: CellFamily) => (HEURISTIC_MODELS.some((model) => model === family) ? ROLLUPS.credits : ROLLUPS[family as Exclude<keyof typeof ROLLUPS, 'credits'>]);

/** An attribute and the name it is stored under in the table (cells written before the declaration must still read). */
const stored = <F extends CellFamily>(family: F, attribute: AttributeOf<F>, name: string) => ({ family, attribute, name });
const STORED = [
  stored('totals', { measure: 'revenue' }, 'revenue'),
  stored('totals', { measure: 'unattributed' }, 'unattributed'),
  stored('totals', { measure: 'transactions' }, 'transactions'),
  stored('totals', { measure: 'orders' }, 'orders'),
  ...(['totals', 'sales', 'funnel', 'cohorts'] as const).map((family) => stored(family, { measure: 'missingRate', from: 'EUR', day: '2026-01-15' }, 'mr|EUR|2026-01-15')),
  stored('totals', { measure: 'adjustment', period: '2026-01', reason: 'late_transaction' }, 'adj|2026-01|late_transaction'),
  ...HEURISTIC_MODELS.flatMap((model) => [
    stored(model, { measure: 'revenue', groupBy: 'campaign', key: 'spring|sale' }, 'r|campaign|spring|sale'),
    stored(model, { measure: 'conversions', groupBy: 'channel', key: 'Email' }, 'c|channel|Email'),
    stored(model, { measure: 'touches', groupBy: 'source_medium', key: 'google / cpc' }, 'n|source_medium|google / cpc'),
  ]),
  stored('paths', { measure: 'conversions', path: 'Email > Direct' }, 'c|Email > Direct'),
  stored('paths', { measure: 'openJourneys', path: 'Email' }, 'n|Email'),
  stored('paths', { measure: 'orders', path: 'Paid|Search' }, 'po|Paid|Search'),
  stored('paths', { measure: 'revenue', currency: 'EUR', path: 'Email > Direct' }, 'pv|EUR|Email > Direct'),
  stored('pathstats', { measure: 'pathLength', touches: '11+' }, 'len|11+'),
  stored('pathstats', { measure: 'timeLag', days: '2-3' }, 'lag|2-3'),
  stored('sales', { measure: 'revenue', dimension: 'rep', key: 'alice' }, 'r|rep|alice'),
  stored('sales', { measure: 'orders', dimension: 'sales_channel', key: 'pos' }, 'o|sales_channel|pos'),
  stored('sales', { measure: 'ordersSourcedBy', sourcedBy: 'marketing', dimension: 'rep', key: '(none)' }, 'sb|marketing|rep|(none)'),
  stored('sales', { measure: 'hoursToOrder', bucket: 14, dimension: 'rep', key: 'a|b' }, 'h|14|rep|a|b'),
  stored('funnel', { measure: 'acquired', key: 'spring' }, 'a|spring'),
  stored('funnel', { measure: 'leads', key: 'spring' }, 'l|spring'),
  stored('funnel', { measure: 'qualified', key: 'spring' }, 'q|spring'),
  stored('funnel', { measure: 'disqualified', reason: 'no_budget', key: 'spring' }, 'd|no_budget|spring'),
  stored('funnel', { measure: 'customers', key: 'spring' }, 'cu|spring'),
  stored('funnel', { measure: 'orders', key: 'spring' }, 'o|spring'),
  stored('funnel', { measure: 'revenue', currency: 'USD', key: 'spring' }, 'rev|USD|spring'),
  stored('funnel', { measure: 'ordered', currency: 'USD', key: 'spring' }, 'ord|USD|spring'),
  stored('funnel', { measure: 'refunded', currency: 'USD', key: 'spring' }, 'ref|USD|spring'),
  stored('funnel', { measure: 'marketingCycle', bucket: 0, key: 'spring' }, 'mc|0|spring'),
  stored('funnel', { measure: 'salesCycle', bucket: 7, key: 'spring' }, 'sc|7|spring'),
  stored('funnel', { measure: 'touches', key: 'spring' }, 't|spring'),
  stored('funnel', { measure: 'peopleReached', key: 'spring' }, 'p|spring'),
  stored('handoff', { measure: 'qualified' }, 'qualified'),
  stored('handoff', { measure: 'contacted' }, 'contacted'),
  stored('handoff', { measure: 'withinSla' }, 'within'),
  stored('handoff', { measure: 'hoursToContact', bucket: 3 }, 'h|3'),
] as Array<{ family: CellFamily; attribute: AttributeOf<CellFamily>; name: string }>;

/** Values a field may take: its own when it has a few; else any text, with the separator only in the last field (the key). */
/** A field's values: its few ones, months for a month (a field that reads only YYYY-MM), else any text (without the separator but in the last). */
const valuesOf = (field: { values?: readonly unknown[]; decode(part: string): unknown }, last: boolean): fc.Arbitrary<unknown> => {
  if (field.values) return fc.constantFrom(...field.values);
  if (field.decode('2026-01') === '2026-01' && field.decode('x') === undefined)
    return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 7));
  return fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '>', '(', '|', '/', 'é'), maxLength: 12 }).filter((text) => last || !text.includes('|'));
};

describe('the rollup declaration', () => {
  it('stores every measure under the name the table already holds', () => {
    for (const { family, attribute, name } of STORED) {
      expect(encode(family, attribute)).toBe(name);
      expect(decode(family, name)).toEqual(attribute);
    }
    const pinned = new Set(STORED.map(({ family, attribute }) => `${family} ${attribute.measure}`));
    for (const family of FAMILIES) for (const measure of Object.keys(declarationOf(family))) expect(pinned, `${family} ${measure}`).toContain(`${family} ${measure}`);
  });

  it('gives each measure of a family its own code', () => {
    for (const declaration of Object.values(ROLLUPS)) {
      const codes = Object.values(declaration).map((measure) => measure.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  it('reads back every declared measure as it was written, through a cell', () => {
    for (const family of FAMILIES) {
      for (const [measure, { fields }] of Object.entries(declarationOf(family))) {
        const names = Object.keys(fields);
        const attribute = fc.record(Object.fromEntries(names.map((name, i) => [name, valuesOf(fields[name as keyof typeof fields], i === names.length - 1)])));
        fc.assert(
          fc.property(attribute, fc.integer({ min: 1, max: 1_000_000 }), (values, value) => {
            const written = { measure, ...values } as AttributeOf<typeof family>;
            const contributions: Contributions = {};
            contribute(contributions, { family, day: '2026-11-01', part: 'USD' }, written, value);
            const [cell] = Object.values(contributions);
            expect(decodeCell(family, { attributes: cell! })).toEqual([[written, value]]);
          }),
          { numRuns: 50 },
        );
      }
    }
  });

  it('leaves out names no measure of the family is stored under', () => {
    expect(decode('funnel', 'zz|spring')).toBeUndefined();
    expect(decode('funnel', 'd|not_a_reason|spring')).toBeUndefined();
    expect(decode('handoff', 'h|x')).toBeUndefined();
    expect(decode('totals', 'revenue|USD')).toBeUndefined();
    expect(decode('paths', 'po')).toBeUndefined();
    // A rollup item's own attributes (its key, entity and version) are never read as a measure.
    for (const family of FAMILIES) for (const name of ['pk', 'sk', 'entity', 'v']) expect(decode(family, name)).toBeUndefined();
    expect(decodeCell('sales', { attributes: { 'r|rep|alice': 5, unknown: 1 } })).toEqual([[{ measure: 'revenue', dimension: 'rep', key: 'alice' }, 5]]);
  });
});

describe('the views read only declared attributes', () => {
  const people = syntheticPeople(150);

  /** Every view over the cells of `people`, each cell's attributes watched: which names each family's readers asked for. */
  async function namesReadByViews(salesTeam: boolean): Promise<Map<CellFamily, Set<string>>> {
    const config = { ...defaultAttributionConfig('UTC'), salesTeam };
    const settings = { config, configFor: () => config, dayOf: (instant: string | number) => dayOf(instant, 'UTC') };
    const contributions = sum(...people.map((one) => projectPerson(one, settings).contributions));
    const read = new Map<CellFamily, Set<string>>();
    const watched = (family: CellFamily, attributes: Record<string, number>) => {
      const names = read.get(family) ?? new Set<string>();
      read.set(family, names);
      const note = (name: string | symbol) => {
        if (typeof name === 'string') names.add(name);
      };
      return new Proxy(attributes, {
        get(target, name, receiver) {
          note(name);
          return Reflect.get(target, name, receiver);
        },
        has(target, name) {
          note(name);
          return Reflect.has(target, name);
        },
      });
    };
    const tenant = { tenantId: 'acme', config, cursorKey: 'k'.repeat(64) } as unknown as TenantRecord;
    const deps = {
      tenants: { getTenant: async () => tenant } as never,
      spend: { spendBetween: async () => ({ posted: [], imported: [] }) } as never,
      campaigns: { campaigns: async () => [] },
      fxRates: { between: async () => [] },
      projections: {
        rollupCells: async (_tenantId: string, family: CellFamily, from: string, to: string): Promise<RollupCell[]> =>
          Object.entries(contributions)
            .map(([id, attributes]) => ({ ...cells.parse(id), attributes }))
            .filter((cell) => cell.family === family && cell.day >= from && cell.day <= to)
            .map(({ day, part, attributes }) => ({ day, part, attributes: watched(family, attributes) })),
        droppedBatons: async () => ({ batons: [] }),
      },
    };
    const period = { from: '2026-10-01', to: '2026-11-30' };
    for (const groupBy of GROUP_BYS) {
      for (const model of HEURISTIC_MODELS) await report(deps, 'acme', { ...period, model, groupBy });
      await compare(deps, 'acme', { ...period, groupBy });
      await compare(deps, 'acme', { ...period, groupBy, interval: 'day' });
    }
    for (const model of ['markov', 'shapley'] as const) await report(deps, 'acme', { ...period, model, groupBy: 'channel' });
    for (const groupBy of ['campaign', 'channel', 'source_medium'] as const) await funnel(deps, 'acme', { ...period, groupBy });
    await handoffs(deps, 'acme', period);
    for (const groupBy of ['rep', 'sales_channel'] as const) await salesReport(deps, 'acme', { ...period, groupBy });
    await paths(deps, 'acme', { ...period, limit: 20 });
    return read;
  }

  it('asks a cell only for names its family declares, and finds only those', { timeout: 30_000 }, async () => {
    for (const salesTeam of [true, false]) {
      const read = await namesReadByViews(salesTeam);
      expect([...read.keys()].sort()).toEqual([...FAMILIES].sort());
      for (const [family, names] of read) {
        expect(names.size, family).toBeGreaterThan(0);
        for (const name of names) expect(decode(family, name), `${family}: ${name}`).toBeDefined();
      }
    }
  });

  it('leaves attribute names to the declaration: no view touches a cell’s attributes itself', () => {
    const folders = ['../../shared/read-models/', '../../shared/attribution/'];
    for (const folder of folders) {
      for (const file of readdirSync(new URL(folder, import.meta.url))) {
        if (file === 'rollups.ts') continue;
        const source = readFileSync(new URL(folder + file, import.meta.url), 'utf8');
        expect(source, file).not.toMatch(/\.attributes\b|parseAttribute|startsWith\(/);
      }
    }
  });
});
