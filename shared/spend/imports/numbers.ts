import { minorUnitExponent } from '../../money/currencies.ts';

export type DecimalMark = '.' | ',';

/** What a cost cell is worth in minor units, or why it is not a cost. `rounded` when digits beyond the currency's were dropped. */
export type CostReading = { ok: true; minor: number; rounded: boolean } | { ok: false; reason: string };

/** The decimal mark of a locale (`de-DE` → `,`), as the runtime's CLDR data has it; undefined if the locale is not one. */
export function decimalMarkOf(locale: string): DecimalMark | undefined {
  let parts: Intl.NumberFormatPart[];
  try {
    parts = new Intl.NumberFormat(locale).formatToParts(1.1);
  } catch {
    return undefined;
  }
  return parts.find((part) => part.type === 'decimal')?.value === ',' ? ',' : '.';
}

const ZERO = new Set(['', '-', '--', '—', '–']);
/** Currency signs that may lead or trail a figure. */
const SIGNS = /[$€£¥₩₹₽₺₪₫฿₱₦₴₡₲₵₸₭₮₼₾]/g;
/** An ISO code or a short prefix such as `US$`, `CA$`, `kr` at either end. */
const CODE_AT_ENDS = /^[A-Za-z]{1,3}\.?\s*|\s*[A-Za-z]{1,3}\.?$/g;
/** Spaces used as digit grouping: ordinary, no-break (U+00A0), narrow no-break (U+202F), thin (U+2009). */
const SPACES = /[\s\u00a0\u202f\u2009]/g;
const APOSTROPHES = /['’]/g;
const GROUPING_MARK = /[\s\u00a0\u202f\u2009'’]/;
const MINUS = /^[-−‒–]|[-−]$/;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const PLAIN = /^[\d.,]+$/;
const SIMPLE = /^(\d+)(?:([.,])(\d+))?$/;

/**
 * A cost as the platforms write it (`1,234.56`, `1.234,56`, `€ 1 234,56`, `--`) as exact minor
 * units of `currency`. The decimal mark is `decimalMark` when a locale was given; otherwise, with
 * both `.` and `,` the last one is the mark, a separator that occurs twice is grouping, and a single
 * one followed by exactly three digits (`1,234`) is ambiguous and refused. Digits beyond the
 * currency's exponent are rounded half-even. No floating-point arithmetic: the digits stay a
 * string until they are a whole number of minor units (a bigint past 15 digits).
 */
export function parseCost(raw: string, currency: string, decimalMark?: DecimalMark): CostReading {
  const cell = raw.trim();
  if (ZERO.has(cell)) return { ok: true, minor: 0, rounded: false };
  // most cells are digits with a separator or two: nothing to strip
  const cleaned = PLAIN.test(cell) ? { text: cell, negative: false, spaced: false } : strip(cell);
  const { text, negative, spaced } = cleaned;
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return { ok: false, reason: `"${cell}" is not a number` };

  const decimal = readDecimal(text, spaced, decimalMark);
  if (typeof decimal === 'string') return { ok: false, reason: decimal.replace('%s', cell) };
  const { whole, fraction } = decimal;
  if (negative && /[1-9]/.test(whole + fraction)) return { ok: false, reason: `negative cost "${cell}"` };

  const exponent = minorUnitExponent(currency);
  const kept = fraction.length >= exponent ? fraction.slice(0, exponent) : fraction.padEnd(exponent, '0');
  const dropped = fraction.slice(exponent);
  const digits = (whole || '0') + kept;
  const up = /[1-9]/.test(dropped) ? roundsUp(dropped, digits) : undefined;
  // up to 15 digits a double holds the integer exactly; beyond, bigint (and the safe-integer check)
  if (digits.length <= 15) return { ok: true, minor: Number(digits) + (up ? 1 : 0), rounded: up !== undefined };
  const minor = BigInt(digits) + (up ? 1n : 0n);
  if (minor > SAFE) return { ok: false, reason: `"${cell}" is too large` };
  return { ok: true, minor: Number(minor), rounded: up !== undefined };
}

/** Half-even: whether dropping `dropped` (not all zeros) rounds the kept `digits` up. */
function roundsUp(dropped: string, digits: string): boolean {
  const first = dropped.charCodeAt(0) - 48;
  if (first !== 5) return first > 5;
  if (/[1-9]/.test(dropped.slice(1))) return true;
  return (digits.charCodeAt(digits.length - 1) - 48) % 2 === 1;
}

/** The figure of a cell without currency signs or codes, spaces or apostrophes; whether it had a minus or parentheses, and spaces used as grouping. */
function strip(cell: string): { text: string; negative: boolean; spaced: boolean } {
  let text = cell.replace(SIGNS, '').trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  text = text.replace(CODE_AT_ENDS, '').replace(SIGNS, '').trim();
  if (MINUS.test(text)) {
    negative = true;
    text = text.replace(MINUS, '').trim();
  }
  text = text.replace(CODE_AT_ENDS, '').replace(SIGNS, '').trim();
  const spaced = GROUPING_MARK.test(text);
  return { text: text.replace(SPACES, '').replace(APOSTROPHES, ''), negative, spaced };
}

/** Western (1,234,567) or Indian (12,34,567) grouping of an integer part. */
const GROUPED: Record<DecimalMark, RegExp[]> = {
  ',': [/^\d{1,3}(?:,\d{3})+$/, /^\d{1,2}(?:,\d{2})*,\d{3}$/],
  '.': [/^\d{1,3}(?:\.\d{3})+$/, /^\d{1,2}(?:\.\d{2})*\.\d{3}$/],
};

function groupedWell(integer: string, grouping: DecimalMark): boolean {
  return GROUPED[grouping].some((pattern) => pattern.test(integer));
}

/** Whole and fraction digits, or a reason (with `%s` for the cell) why the separators do not read. */
function readDecimal(text: string, spaced: boolean, locale?: DecimalMark): { whole: string; fraction: string } | string {
  // the common case first: digits and at most one separator that can only be the decimal mark
  const simple = SIMPLE.exec(text);
  if (simple) {
    const [, integer = '', separator, fraction = ''] = simple;
    if (separator === undefined) return { whole: integer, fraction: '' };
    const couldBeGrouping = fraction.length === 3 && integer.length <= 3 && /[1-9]/.test(integer);
    if (locale ? separator === locale : !couldBeGrouping) return { whole: integer, fraction };
  }
  const commas = count(text, ',');
  const dots = count(text, '.');
  let mark: DecimalMark | undefined;
  if (locale) {
    mark = count(text, locale) > 0 ? locale : undefined;
    if (mark && count(text, mark) > 1) return '"%s" has more than one decimal mark';
  } else if (commas > 0 && dots > 0) {
    mark = text.lastIndexOf(',') > text.lastIndexOf('.') ? ',' : '.';
    if (count(text, mark) > 1) return '"%s" is not a number';
  } else if (commas + dots === 1) {
    const separator: DecimalMark = commas === 1 ? ',' : '.';
    const [integer = '', fraction = ''] = text.split(separator);
    const couldBeGrouping = fraction.length === 3 && /^\d{1,3}$/.test(integer) && /[1-9]/.test(integer);
    if (couldBeGrouping && !spaced) return `ambiguous number "%s": is "${separator}" a decimal mark or thousands grouping? pass locale= (e.g. en-US or de-DE)`;
    mark = separator;
  }
  const [integer = '', fraction = ''] = mark ? text.split(mark) : [text, ''];
  const grouping = mark === ',' ? '.' : mark === '.' ? ',' : commas > 0 ? ',' : '.';
  if (fraction.includes(',') || fraction.includes('.')) return '"%s" is not a number';
  if (integer.includes(grouping) && !groupedWell(integer, grouping)) return '"%s" is not a number';
  const whole = integer.split(grouping).join('');
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction) || whole + fraction === '') return '"%s" is not a number';
  return { whole, fraction };
}

function count(text: string, character: string): number {
  let n = 0;
  for (let at = text.indexOf(character); at >= 0; at = text.indexOf(character, at + 1)) n += 1;
  return n;
}
