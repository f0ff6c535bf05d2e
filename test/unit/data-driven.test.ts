import { describe, expect, it } from 'vitest';
import { markov, type PathCount, pathOf, shapley } from '../../shared/attribution/data-driven.ts';

const path = (text: string, conversions: number, nulls = 0): PathCount => ({ channels: text.split(' > '), conversions, nulls });

describe('markov (first-order removal effect)', () => {
  // Worked example: S. Puzyrov, "Markov Chain Attribution – Simple Explanation Of Removal Effect" (2019):
  // google ads ×2 conv, mailing ×1 conv, google ads > mailing ×1 conv, google ads ×1 null.
  // P(conv) = 0.8; without google ads 0.2 (removal effect 0.75), without mailing 0.4 (0.5):
  // 4 conversions split 2.4 / 1.6.
  it('reproduces the published example', () => {
    const shares = markov([path('google ads', 2, 1), path('mailing', 1), path('google ads > mailing', 1)]);
    expect(4 * shares.get('google ads')!).toBeCloseTo(2.4, 10);
    expect(4 * shares.get('mailing')!).toBeCloseTo(1.6, 10);
  });

  // The three-path example of S. Bryl, "Marketing Multi-Channel Attribution model with R (part 1: Markov chain concept)" (2016):
  // C1 > C2 > C3 conv, C1 null, C2 > C3 null. P(conv) = 1/3; removal effects C1 0.5, C2 1, C3 1.
  it('uses non-converting journeys', () => {
    const shares = markov([path('C1 > C2 > C3', 1), path('C1', 0, 1), path('C2 > C3', 0, 1)]);
    expect(shares.get('C1')).toBeCloseTo(0.2, 10);
    expect(shares.get('C2')).toBeCloseTo(0.4, 10);
    expect(shares.get('C3')).toBeCloseTo(0.4, 10);
  });

  it('gives nothing without conversions, and shares summing to 1 otherwise', () => {
    expect(markov([path('A > B', 0, 3)]).size).toBe(0);
    const shares = markov([path('A > B > A > C', 3, 2), path('B', 1, 4), path('C > A', 2, 0)]);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe('shapley', () => {
  // Worked example: "Data-driven marketing attribution" (Towards Data Science; notebook tomgorb/misc):
  // conversions by channel set F 20, O 10, L 17, F+O 17, F+L 30, L+O 0, F+L+O 6 (100 in all);
  // v(S) sums the sets inside S; Shapley values F 0.455, O 0.205, L 0.34.
  const published = [path('F', 20), path('O', 10), path('L', 17), path('F > O', 17), path('F > L', 30), path('F > L > O', 6)];

  it('reproduces the published example exactly', () => {
    const shares = shapley(published);
    expect(shares.get('F')).toBeCloseTo(0.455, 12);
    expect(shares.get('O')).toBeCloseTo(0.205, 12);
    expect(shares.get('L')).toBeCloseTo(0.34, 12);
  });

  it('estimates by sampled permutations beyond the exact limit, close to the exact values', () => {
    const sampled = shapley(published, { exactUpTo: 0, samples: 20_000 });
    expect(sampled.get('F')).toBeCloseTo(0.455, 2);
    expect(sampled.get('O')).toBeCloseTo(0.205, 2);
    expect(sampled.get('L')).toBeCloseTo(0.34, 2);
  });

  it('handles many channels (sampled) with shares summing to 1', () => {
    const many = Array.from({ length: 20 }, (_, i) => path(`C${i} > C${(i + 1) % 20}`, 1 + (i % 3), 1));
    const shares = shapley(many, { samples: 500 });
    expect(shares.size).toBe(20);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });
});

describe('paths', () => {
  it('collapse consecutive repeats and keep the last 20 channels', () => {
    expect(pathOf(['Email', 'Email', 'Paid Search', 'Email'])).toBe('Email > Paid Search > Email');
    expect(pathOf(Array.from({ length: 30 }, (_, i) => `C${i}`)).split(' > ')).toHaveLength(20);
    expect(pathOf(['A>B'])).toBe('A›B');
  });
});
