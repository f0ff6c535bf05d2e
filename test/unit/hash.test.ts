import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, sameContent } from '../../shared/recording/hash.ts';

/** How content was serialized when the stored hashes were computed: a replacer rebuilding every object with sorted entries. */
function replacerJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

// Keys as stored content has them (names, ids, days, order numbers), and the ones a JavaScript object orders first.
const key = fc.oneof(fc.string(), fc.nat().map(String), fc.constantFrom('0', '01', '-1', '1.5', '10', '9', '4294967294', '4294967295', '99999999999', 'é', '__proto__', 'a', 'B'));
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.date({ noInvalidDate: true }),
  fc.constant(() => 1),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 8 }),
})).value;

// Few keys and leaves, so that two random values are often equal.
const smallValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(0, -0, 1, '1', '', null, undefined, Number.NaN, true, () => 0),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', '1', '10'), tie('value'), { maxKeys: 3 }),
})).value;

describe('canonicalJson', () => {
  it('writes what the replacer-based serialization wrote, byte for byte, so stored content hashes keep matching', () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(canonicalJson(input)).toBe(replacerJson(input));
      }),
      { numRuns: 2_000 },
    );
  });

  it('orders keys, array indices first in numeric order, then names in code-unit order', () => {
    expect(canonicalJson({ b: 1, a: { z: [1, undefined], y: new Date('2026-01-02T00:00:00Z') }, 10: 'x', 9: 'y', '01': 'z' })).toBe(
      '{"9":"y","10":"x","01":"z","a":{"y":"2026-01-02T00:00:00.000Z","z":[1,null]},"b":1}',
    );
  });

  it('hashes equal content equally whatever the key order', () => {
    expect(contentHash({ a: 1, b: [{ c: 2, d: 3 }] })).toBe(contentHash({ b: [{ d: 3, c: 2 }], a: 1 }));
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('sameContent agrees with comparing canonicalJson, on equal and unequal values alike', () => {
    let equal = 0;
    fc.assert(
      fc.property(smallValue, smallValue, (a, b) => {
        const expected = canonicalJson(a) === canonicalJson(b);
        if (expected) equal += 1;
        expect(sameContent(a, b)).toBe(expected);
        expect(sameContent(a, a)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    expect(equal).toBeGreaterThan(40);
  });
});
