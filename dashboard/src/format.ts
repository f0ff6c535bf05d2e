/** Display only: every figure is the API's; this turns minor units and ratios into text. */

const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format;
}

/** The currency's minor-unit exponent (USD 2, JPY 0, KWD 3), as Intl knows it. */
export function exponent(currency: string): number {
  return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units as the currency's decimal string, exactly (no float division): 114299 USD → "1142.99". */
export function decimalString(minor: number, currency: string): string {
  const digits = exponent(currency);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export function money(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  return currencyFormat(currency).format(decimalString(minor, currency) as Intl.StringNumericLiteral);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fractional = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Counts; fractional ones (conversions, orders credited in parts) with up to two decimals. */
export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? integer.format(value) : fractional.format(value);
}

/** Return on ad spend: revenue per unit of cost. */
export function ratio(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(2)}×`;
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function hours(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${fractional.format(value)} h`;
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant in the tenant's zone: "Nov 21, 2026, 3:51 PM". */
export function instant(iso: string, timezone: string): string {
  let format = instantFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' });
    instantFormats.set(timezone, format);
  }
  return format.format(new Date(iso));
}

/** Labels of the API's names: `last_non_direct` → "Last non-direct". */
export const MODEL_LABELS: Record<string, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  last_non_direct: 'Last non-direct',
  linear: 'Linear',
  position_based: 'Position-based',
  time_decay: 'Time decay',
  w_shaped: 'W-shaped',
  markov: 'Markov',
  shapley: 'Shapley',
};

export function label(name: string): string {
  const text = name.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
