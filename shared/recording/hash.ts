import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted, so equal content always hashes equally.
 *
 * Written by hand rather than as `JSON.stringify` with a replacer that
 * rebuilds every object sorted: that took a third of the CPU of a
 * recompute on in-memory stores (profiled: 6 of 17 CPU-seconds). The output is byte for byte the replacer's, which
 * stored content hashes were computed with (`test/unit/hash.test.ts`
 * proves it on random values): keys in `<` order, except that keys which
 * are array indices come first in numeric order, as a JavaScript object
 * built from the sorted entries enumerates them.
 */
export function canonicalJson(value: unknown): string {
  // Like JSON.stringify, undefined for a value it leaves out (undefined, a function), typed as a string as JSON.stringify's is.
  return write(value, '') as string;
}

const MAX_ARRAY_INDEX = 4_294_967_294;

function isArrayIndex(key: string): boolean {
  if (key.length === 0) return false;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && key.length > 1) || key.length > 10) return false;
  for (let index = 1; index < key.length; index += 1) {
    const code = key.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return Number(key) <= MAX_ARRAY_INDEX;
}

function orderedKeys(object: object): string[] {
  const keys = Object.keys(object);
  let indices: string[] | undefined;
  for (const key of keys) if (isArrayIndex(key)) (indices ??= []).push(key);
  const names = indices ? keys.filter((key) => !isArrayIndex(key)) : keys;
  // The default order of strings: by UTF-16 code unit, as `<` compares them.
  names.sort();
  if (!indices) return names;
  indices.sort((a, b) => Number(a) - Number(b));
  return indices.concat(names);
}

/** One value as `JSON.stringify` writes it (undefined where it leaves a property out). */
function write(value: unknown, key: string): string | undefined {
  const seen = asWritten(value, key);
  if (seen === undefined) return undefined;
  if (seen === null || typeof seen !== 'object') return typeof seen === 'number' ? String(seen) : JSON.stringify(seen);
  if (Array.isArray(seen)) {
    let out = '[';
    for (let index = 0; index < seen.length; index += 1) {
      if (index > 0) out += ',';
      out += write(seen[index], String(index)) ?? 'null';
    }
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  for (const name of orderedKeys(seen)) {
    const written = write((seen as Record<string, unknown>)[name], name);
    if (written === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(name)}:${written}`;
    first = false;
  }
  return `${out}}`;
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex').slice(0, 32);
}

/**
 * Whether two values have the same content: `canonicalJson(a) ===
 * canonicalJson(b)`, without writing either (`test/unit/hash.test.ts`
 * proves the two agree); stops at the first difference.
 */
export function sameContent(a: unknown, b: unknown): boolean {
  return same(asWritten(a, ''), asWritten(b, ''));
}

/** `sameContent` of two values as written (`asWritten`). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let index = 0; index < a.length; index += 1) {
      const name = String(index);
      if (!same(asWritten(a[index], name) ?? null, asWritten(other[index], name) ?? null)) return false;
    }
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let unmatched = 0;
  for (const name of Object.keys(left)) {
    const value = asWritten(left[name], name);
    if (value === undefined) continue;
    unmatched += 1;
    if (!Object.prototype.propertyIsEnumerable.call(right, name)) return false;
    const other = asWritten(right[name], name);
    if (other === undefined || !same(value, other)) return false;
  }
  for (const name of Object.keys(right)) if (asWritten(right[name], name) !== undefined) unmatched -= 1;
  return unmatched === 0;
}

/** A value as `JSON.stringify` sees it: after `toJSON`, non-finite numbers as null, what it leaves out as undefined. */
function asWritten(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') value = (value as { toJSON(key: string): unknown }).toJSON(key);
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'function':
    case 'symbol':
    case 'undefined':
      return undefined;
    default:
      return value;
  }
}
