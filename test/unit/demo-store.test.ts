import { describe, expect, it } from 'vitest';
import { demoStore, recordCount } from '../../scripts/demo/store.ts';

const options = { days: 30, visitorsPerDay: 20, until: new Date('2026-11-20T18:00:00Z'), timezone: 'America/New_York' };

describe('the demo store (npm run demo)', () => {
  it('is the same store for the same options, and another for another seed', () => {
    expect(JSON.stringify(demoStore(options))).toBe(JSON.stringify(demoStore(options)));
    expect(JSON.stringify(demoStore({ ...options, seed: 7 }))).not.toBe(JSON.stringify(demoStore(options)));
  });

  it('holds what docs/contract.md#the-dashboard lists: spend, several channels, leads, qualified and disqualified people with reasons, sales calls by reps, orders, refunds and a cancellation', () => {
    const store = demoStore(options);
    const people = store.people;
    const deliveries = people.flatMap((person) => person.deliveries);
    const stages = people.flatMap((person) => person.stages);
    expect(new Set(store.spend.map((line) => line.campaign)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(store.spend.map((line) => line.date)).size).toBe(31); // every day of the period, today included
    expect(new Set(people.flatMap((person) => person.touches.map((touch) => new URL(touch.url!).searchParams.get('utm_medium') ?? touch.referrer ?? 'direct'))).size).toBeGreaterThanOrEqual(6);
    expect(stages.filter((stage) => stage.stage === 'lead').length).toBeGreaterThan(50);
    expect(stages.filter((stage) => stage.stage === 'qualified').length).toBeGreaterThan(20);
    expect(new Set(stages.filter((stage) => stage.stage === 'disqualified').map((stage) => stage.reason)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(people.flatMap((person) => person.salesTouches.map((touch) => touch.rep))).size).toBe(4);
    expect(new Set(deliveries.filter((delivery) => delivery.topic === 'orders/create').map((delivery) => delivery.payload.source_name))).toEqual(new Set(['web', 'pos', 'shopify_draft_order']));
    expect(deliveries.filter((delivery) => delivery.topic === 'refunds/create').length).toBeGreaterThan(0);
    expect(deliveries.filter((delivery) => delivery.topic === 'orders/cancelled').length).toBeGreaterThanOrEqual(1);
    expect(recordCount(store)).toBe(
      store.spend.length + people.reduce((sum, person) => sum + person.touches.length + person.identities.length + person.stages.length + person.salesTouches.length + person.deliveries.length, 0),
    );
  });

  it('has nothing after its last moment, and each refund or cancellation after its order', () => {
    const store = demoStore(options);
    const until = options.until.toISOString();
    for (const person of store.people) {
      for (const record of [...person.touches, ...person.identities, ...person.stages, ...person.salesTouches, ...person.deliveries]) expect(record.occurredAt <= until).toBe(true);
      const [order, ...after] = person.deliveries;
      for (const adjustment of after) expect(adjustment.occurredAt > order!.occurredAt).toBe(true);
    }
  });

  it('refuses sizes it cannot make', () => {
    expect(() => demoStore({ ...options, days: 0 })).toThrow(/days/);
    expect(() => demoStore({ ...options, visitorsPerDay: 1.5 })).toThrow(/visitors/);
  });
});
