/**
 * An instant as a zone's wall clock shows it, `YYYY-MM-DD HH:MM:SS`: the
 * form Excel reads as a date-time in every locale (an ISO string with `T`
 * and `Z` stays text). Read from `Intl.DateTimeFormat`, the ICU data the
 * day boundaries (shared/time/days.ts) come from, so the time and its day
 * always agree. Milliseconds are dropped: a spreadsheet shows seconds.
 */

const clocks = new Map<string, Intl.DateTimeFormat>();
/** Any capitalisation of a zone's name is taken (shared/time/days.ts): past this many formatters the cache starts afresh. */
const CLOCK_LIMIT = 1_000;

function clockOf(timezone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timezone);
  if (clock === undefined) {
    clock = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (clocks.size >= CLOCK_LIMIT) clocks.clear();
    clocks.set(timezone, clock);
  }
  return clock;
}

/** `at` (a string is read by `Date.parse`: give it a `Z` or an offset) on `timezone`'s wall clock. */
export function localDateTime(at: string | number | Date, timezone: string): string {
  const instant = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(instant)) throw new RangeError(`not an instant: ${String(at)}`);
  const parts: Record<string, string> = {};
  for (const part of clockOf(timezone).formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}
