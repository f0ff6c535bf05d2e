import { MAX_MEASURES_PER_CELL } from '../../shared/adapters/dynamodb/entities/rollup-delta.ts';
import { mulberry32 } from '../../shared/attribution/data-driven.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import { type Contributions, sum } from '../../shared/projection/cells.ts';
import type { ListingEntry } from '../../shared/projection/listings.ts';
import { type OrderInput, type PersonInput, projectPerson, type ReportingConverter } from '../../shared/projection/person.ts';
import type { ProjectionStore } from '../../shared/projection/ports.ts';
import { normaliseStage } from '../../shared/recording/stages.ts';
import { normaliseTouch, type TouchInput } from '../../shared/recording/touches.ts';
import { defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';
import { dayOf } from '../../shared/time/days.ts';

const CAMPAIGNS = Array.from({ length: 20 }, (_, i) => `campaign-${i}`);
const SOURCES = [
  { source: 'google', medium: 'cpc' },
  { source: 'newsletter', medium: 'email' },
  { source: 'facebook', medium: 'paid_social' },
  { source: 'bing', medium: 'cpc' },
];

/**
 * `count` people of a realistic mix over the 30 days from `start`: one to
 * four marketing touches, most become leads, some are qualified (a rep
 * calls some of them, late or in time), some are disqualified, some buy,
 * a few refund.
 */
export function syntheticPeople(count: number, start = Date.parse('2026-10-01T00:00:00Z'), seed = 7): PersonInput[] {
  const next = mulberry32(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  const HOUR = 3_600_000;
  const people: PersonInput[] = [];
  for (let i = 0; i < count; i += 1) {
    const person = { customerId: `p${i}` };
    let at = start + Math.floor(next() * 28 * 24) * HOUR;
    const touches: TouchInput[] = [];
    for (let t = 0, n = 1 + Math.floor(next() * 4); t < n; t += 1) {
      touches.push({ touchId: `p${i}-m${t}`, occurredAt: new Date(at).toISOString(), person, kind: 'click', utm: { ...pick(SOURCES), campaign: pick(CAMPAIGNS) } });
      at += Math.floor(next() * 30) * HOUR;
    }
    const stages = [];
    const orders: OrderInput[] = [];
    if (next() < 0.8) stages.push(normaliseStage({ person, stage: 'lead', occurredAt: new Date((at += HOUR)).toISOString() }));
    if (next() < 0.5) {
      stages.push(normaliseStage({ person, stage: 'qualified', occurredAt: new Date((at += 2 * HOUR)).toISOString() }));
      if (next() < 0.7) touches.push({ touchId: `p${i}-call`, occurredAt: new Date((at += Math.floor(next() * 48) * HOUR)).toISOString(), person, kind: 'sales_call', rep: `rep-${i % 7}` });
    }
    if (next() < 0.15)
      stages.push(
        normaliseStage({ person, stage: 'disqualified', reason: pick(['no_budget', 'no_interest', 'wrong_fit', 'unreachable', 'other'] as const), occurredAt: new Date((at += HOUR)).toISOString() }),
      );
    else if (next() < 0.5) {
      const net = 1_000 + Math.floor(next() * 20_000);
      const occurredAt = new Date((at += Math.floor(next() * 72) * HOUR)).toISOString();
      const refunded = next() < 0.1 ? Math.floor(net / 2) : 0;
      orders.push({
        transactionId: `o${i}`,
        occurredAt,
        currency: next() < 0.9 ? 'USD' : 'EUR',
        net,
        salesChannel: 'online_store',
        adjustments: refunded
          ? [
              {
                transactionId: `r${i}`,
                kind: 'refund',
                occurredAt: new Date(at + 24 * HOUR).toISOString(),
                counted: { gross: refunded, discount: 0, tax: 0, shipping: 0, net: refunded, total: refunded },
              },
            ]
          : [],
      });
    }
    people.push({ identifiers: [`c:p${i}` as Identifier], touches: touches.map((touch) => normaliseTouch(touch)), stages, orders });
  }
  return people;
}

/**
 * The cells' measures in writes of at most `perWrite` pieces, a piece being at most MAX_MEASURES_PER_CELL measures of
 * one cell, and no write holding two pieces of one cell. The rollup applier adds pieces of different cells in one
 * transaction but a cell's pieces one after the other: the sum of 10,000 people in cells of thousands of measures, cut
 * by cell, took it about 650 transactions; cut this way, a few dozen.
 */
function cellPieces(contributions: Contributions, perWrite: number): Contributions[] {
  const pieces = Object.entries(contributions).flatMap(([id, measures]) => {
    const entries = Object.entries(measures);
    return Array.from({ length: Math.ceil(entries.length / MAX_MEASURES_PER_CELL) }, (_, n) => ({
      n,
      id,
      measures: Object.fromEntries(entries.slice(n * MAX_MEASURES_PER_CELL, (n + 1) * MAX_MEASURES_PER_CELL)),
    }));
  });
  pieces.sort((a, b) => a.n - b.n || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const writes: Contributions[] = [];
  let current: Contributions = {};
  for (const { id, measures } of pieces) {
    if (current[id] || Object.keys(current).length === perWrite) {
      writes.push(current);
      current = {};
    }
    current[id] = measures;
  }
  if (Object.keys(current).length > 0) writes.push(current);
  return writes;
}

/**
 * Writes what `people`'s projections add to the rollups and the dropped
 * batons they leave, as the projector and the rollup applier would once
 * they have projected each of them — through the store's own save, a few dozen cells per write rather
 * than one write per person, so a test can hold 10,000 people in seconds.
 * The rollups are sums, so they end up exactly as after 10,000 projections.
 */
export async function seedProjections(
  store: ProjectionStore,
  tenantId: string,
  people: readonly PersonInput[],
  /** Which of their listing entries to write too (none by default: 10,000 people list about 150,000 lines). */
  listed: (entry: ListingEntry) => boolean = () => false,
  /** With `reporting`, each person is projected with that converter too (twin cells in the reporting currency), as for a tenant with a reportingCurrency. */
  options: { reporting?: ReportingConverter } = {},
): Promise<{ contributions: Contributions; dropped: number; listed: number }> {
  const config = defaultAttributionConfig('UTC');
  const settings = { config, configFor: () => config, dayOf: (at: string | number) => dayOf(at, 'UTC'), ...(options.reporting ? { reporting: options.reporting } : {}) };
  const projections = people.map((person) => ({ person, projection: projectPerson(person, settings) }));
  const contributions = sum(...projections.map(({ projection }) => projection.contributions));
  const dropped = projections.flatMap(({ person, projection }) => projection.dropped.map((baton) => ({ ...baton, identifiers: person.identifiers })));
  const entries = projections.flatMap(({ projection }) => projection.listings.filter(listed));
  // Cells, listing entries and batons in writes of their own, each small enough for one transaction (a save larger than
  // one is written ahead and applied step by step, which costs DynamoDB Local about ten times as many transactions).
  const CHUNK = 90;
  const chunks = <T>(values: readonly T[]) => Array.from({ length: Math.ceil(values.length / CHUNK) }, (_, i) => values.slice(i * CHUNK, (i + 1) * CHUNK));
  // A write keeps its batons under its own key, `<qualifiedAt>#x:seed-<i>`: batons qualified at the same instant go to different writes.
  const batonChunks: Array<typeof dropped> = [];
  for (const baton of dropped) {
    let chunk = batonChunks.find((candidate) => candidate.length < CHUNK && !candidate.some((other) => other.qualifiedAt === baton.qualifiedAt));
    if (!chunk) batonChunks.push((chunk = []));
    chunk.push(baton);
  }
  const writes = [...cellPieces(contributions, CHUNK).map((delta) => ({ delta })), ...chunks(entries).map((put) => ({ listings: put })), ...batonChunks.map((batons) => ({ batons }))];
  for (const [i, write] of writes.entries()) {
    const personKey: Identifier = `x:seed-${i}`;
    const saved = await store.save(tenantId, {
      projection: { personKey, identifiers: [], orders: {}, configs: {}, contributions: {}, dropped: [] },
      expectedVersion: 0,
      retired: [],
      listings: { put: 'listings' in write ? write.listings : [], remove: [] },
      attributions: [],
      delta: 'delta' in write ? write.delta : {},
      dropped: { add: 'batons' in write ? write.batons : [], remove: [] },
    });
    if (saved !== 'saved') throw new Error(`seeding ${tenantId} failed at write ${i}`);
  }
  // As the stream's applier then would.
  await store.applyRollupDeltas(tenantId);
  return { contributions, dropped: dropped.length, listed: entries.length };
}
