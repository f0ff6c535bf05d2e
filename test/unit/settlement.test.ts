import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToSettlement, remainder, type Settlement, type SettlementEntry, settle } from '../../shared/recording/settlement.ts';
import { amountsOf } from '../../shared/recording/transactions.ts';

let clock = 0;
function entry(
  transactionId: string,
  kind: SettlementEntry['kind'],
  amounts: { gross: number; discount?: number; tax?: number; shipping?: number },
  overrides: Partial<SettlementEntry> = {},
): SettlementEntry {
  clock += 1;
  return {
    transactionId,
    kind,
    occurredAt: '2026-11-10T10:00:00.000Z',
    currency: 'USD',
    amounts: amountsOf({ discount: 0, tax: 0, shipping: 0, ...amounts }),
    recordedAt: new Date(Date.UTC(2026, 10, 10) + clock * 1000).toISOString(),
    contentHash: `${transactionId}-hash`,
    ...overrides,
  };
}

const order = entry('o', 'order', { gross: 10_000, discount: 1_000, tax: 900, shipping: 500 });

/** Adds each entry in turn as the store would, leaving refused ones out. */
function arrive(entries: SettlementEntry[]): { settlement: Settlement; refused: string[] } {
  let settlement: Settlement = { version: 0, adjustments: [] };
  const refused: string[] = [];
  for (const next of entries) {
    const verdict = addToSettlement(settlement, next);
    if (verdict.kind === 'refused') refused.push(next.transactionId);
    if (verdict.kind === 'change') settlement = { ...verdict.change.next, version: settlement.version + 1 };
  }
  return { settlement, refused };
}

describe('settle', () => {
  it('keeps adjustments pending, counting nothing, until their order is recorded', () => {
    const counted = settle({ adjustments: [entry('r', 'refund', { gross: 100 })] });
    expect(counted.get('r')).toMatchObject({ status: 'pending', counted: { net: 0, total: 0 } });
  });

  it('counts refunds as sent while they fit into the order', () => {
    const counted = settle({ order, adjustments: [entry('r1', 'refund', { gross: 3_000, tax: 300 }), entry('r2', 'refund', { gross: 6_000, tax: 600, shipping: 500 })] });
    expect(counted.get('r1')).toMatchObject({ status: 'counted', counted: { net: 3_000, tax: 300, total: 3_300 } });
    expect(counted.get('r2')).toMatchObject({ status: 'counted', counted: { net: 6_000, tax: 600, shipping: 500, total: 7_100 } });
  });

  it('makes the refund that would take back more net than the order had a conflict, naming the field', () => {
    const counted = settle({ order, adjustments: [entry('r1', 'refund', { gross: 5_000 }), entry('r2', 'refund', { gross: 4_001 })] });
    expect(counted.get('r1')?.status).toBe('counted');
    expect(counted.get('r2')).toMatchObject({ status: 'conflict', counted: { net: 0 }, conflict: { code: 'exceeds_order', field: 'gross' } });
  });

  it('bounds tax and shipping too', () => {
    const counted = settle({ order, adjustments: [entry('r1', 'refund', { gross: 10, tax: 901 }), entry('r2', 'refund', { gross: 10, shipping: 501 })] });
    expect(counted.get('r1')?.conflict?.field).toBe('tax');
    expect(counted.get('r2')?.conflict?.field).toBe('shipping');
  });

  it('refuses an adjustment in another currency than its order', () => {
    const counted = settle({ order, adjustments: [entry('r', 'refund', { gross: 10 }, { currency: 'EUR' }), entry('c', 'cancellation', { gross: 0 }, { currency: 'EUR' })] });
    expect(counted.get('r')?.conflict?.code).toBe('currency_mismatch');
    expect(counted.get('c')?.conflict?.code).toBe('currency_mismatch');
  });

  it('lets a cancellation reverse only what the refunds left, whatever amounts it carries', () => {
    const counted = settle({ order, adjustments: [entry('r', 'refund', { gross: 4_000, tax: 400 }), entry('c', 'cancellation', { gross: 10_000, discount: 1_000, tax: 900, shipping: 500 })] });
    expect(counted.get('c')).toMatchObject({ status: 'counted', counted: { gross: 6_000, discount: 1_000, net: 5_000, tax: 500, shipping: 500, total: 6_000 } });
  });

  it('shrinks a cancellation when a refund arrives after it (refunds are money that moved)', () => {
    const counted = settle({ order, adjustments: [entry('c', 'cancellation', { gross: 0 }), entry('r', 'refund', { gross: 9_000, tax: 900, shipping: 500 })] });
    expect(counted.get('r')?.status).toBe('counted');
    expect(counted.get('c')?.counted).toEqual({ gross: 1_000, discount: 1_000, net: 0, tax: 0, shipping: 0, total: 0 });
  });

  it('makes a second cancellation a conflict', () => {
    const counted = settle({ order, adjustments: [entry('c1', 'cancellation', { gross: 0 }), entry('c2', 'cancellation', { gross: 0 })] });
    expect(counted.get('c1')?.status).toBe('counted');
    expect(counted.get('c2')?.conflict?.code).toBe('already_cancelled');
  });

  it('lets refunds claim in the order they were added to the settlement, whatever their times', () => {
    const late = entry('r-late', 'refund', { gross: 6_000 }, { occurredAt: '2026-12-01T00:00:00.000Z', recordedAt: '2026-12-01T00:00:00.000Z' });
    const early = entry('r-early', 'refund', { gross: 6_000 }, { occurredAt: '2026-11-01T00:00:00.000Z', recordedAt: '2026-11-01T00:00:00.000Z' });
    const counted = settle({ order, adjustments: [late, early] });
    expect(counted.get('r-late')?.status).toBe('counted');
    expect(counted.get('r-early')?.status).toBe('conflict');
  });
});

describe('addToSettlement', () => {
  it('refuses an adjustment that cannot count against an order already recorded (nothing is stored)', () => {
    const { refused, settlement } = arrive([order, entry('r1', 'refund', { gross: 9_000 }), entry('r2', 'refund', { gross: 1 })]);
    expect(refused).toEqual(['r2']);
    expect(settlement.adjustments.map((adjustment) => adjustment.transactionId)).toEqual(['r1']);
  });

  it('keeps an early adjustment that turns out to conflict when its order arrives, as a conflict', () => {
    const { refused, settlement } = arrive([entry('r', 'refund', { gross: 20_000 }), order]);
    expect(refused).toEqual([]);
    expect(settle(settlement).get('r')?.status).toBe('conflict');
  });

  it('recounts the other transactions its arrival moves', () => {
    const { settlement } = arrive([order, entry('c', 'cancellation', { gross: 0 })]);
    const verdict = addToSettlement(settlement, entry('r', 'refund', { gross: 2_000 }));
    expect(verdict.kind).toBe('change');
    if (verdict.kind === 'change') expect(verdict.change.recounted).toEqual([expect.objectContaining({ transactionId: 'c', status: 'counted', counted: expect.objectContaining({ net: 7_000 }) })]);
  });

  it('tells a repeat of an id from a reuse with other content', () => {
    const { settlement } = arrive([order, entry('r', 'refund', { gross: 10 })]);
    expect(addToSettlement(settlement, { ...settlement.adjustments[0]! })).toEqual({ kind: 'seen', sameContent: true });
    expect(addToSettlement(settlement, { ...settlement.adjustments[0]!, contentHash: 'other' })).toEqual({ kind: 'seen', sameContent: false });
  });
});

describe('properties', () => {
  const amounts = fc.record({ gross: fc.integer({ min: 0, max: 50_000 }), tax: fc.integer({ min: 0, max: 5_000 }), shipping: fc.integer({ min: 0, max: 2_000 }) });
  const adjustment = fc.record({ kind: fc.constantFrom('refund' as const, 'refund' as const, 'cancellation' as const), amounts, foreign: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) });
  const scenario = fc.record({
    order: fc.record({
      gross: fc.integer({ min: 0, max: 100_000 }),
      discountShare: fc.integer({ min: 0, max: 100 }),
      tax: fc.integer({ min: 0, max: 10_000 }),
      shipping: fc.integer({ min: 0, max: 3_000 }),
    }),
    adjustments: fc.array(adjustment, { maxLength: 8 }),
    orderPosition: fc.nat(),
  });

  it('never lets an order net below zero in any field, and a counted cancellation nets it to exactly zero, whatever the arrival order', () => {
    fc.assert(
      fc.property(scenario, ({ order: o, adjustments, orderPosition }) => {
        const theOrder = entry('o', 'order', { gross: o.gross, discount: Math.floor((o.gross * o.discountShare) / 100), tax: o.tax, shipping: o.shipping });
        const others = adjustments.map((a, i) => entry(`a${i}`, a.kind, a.amounts, a.foreign ? { currency: 'EUR' } : {}));
        const arrival = [...others];
        arrival.splice(orderPosition % (others.length + 1), 0, theOrder);
        // arrival order is the order they are recorded in
        for (const [i, item] of arrival.entries()) item.recordedAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
        const { settlement } = arrive(arrival);
        const counted = settle(settlement);
        const left = { ...theOrder.amounts };
        let cancelled = false;
        for (const a of settlement.adjustments) {
          const c = counted.get(a.transactionId)!;
          expect(c.status).not.toBe('pending');
          if (c.status !== 'counted') continue;
          for (const field of ['net', 'tax', 'shipping', 'total'] as const) left[field] -= c.counted[field];
          if (a.kind === 'cancellation') cancelled = true;
        }
        for (const field of ['net', 'tax', 'shipping', 'total'] as const) expect(left[field]).toBeGreaterThanOrEqual(0);
        if (cancelled) expect([left.net, left.tax, left.shipping, left.total]).toEqual([0, 0, 0, 0]);
      }),
      { numRuns: 500 },
    );
  });

  it('remainder is the order less the refunds, field by field, with net = gross − discount and total = net + tax + shipping', () => {
    fc.assert(
      fc.property(amounts, amounts, (a, b) => {
        const orderAmounts = amountsOf({ gross: a.gross + b.gross, discount: 0, tax: a.tax + b.tax, shipping: a.shipping + b.shipping });
        const left = remainder(orderAmounts, amountsOf({ ...b, discount: 0 }));
        expect(left).toEqual(amountsOf({ ...a, discount: 0 }));
      }),
    );
  });
});
