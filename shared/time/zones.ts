import * as z from 'zod';

const DAY_MS = 86_400_000;

/** A calendar day `YYYY-MM-DD` that exists. */
export const DaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), { message: 'not a calendar day' });

/** Minutes east of UTC of a time zone at an instant (negative west). */
function offsetMs(timezone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(at / 1000) * 1000;
}

/** The UTC instant at which `day` begins in `timezone` (daylight-saving days are 23 or 25 hours long). */
export function startOfDay(day: string, timezone: string): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  let guess = midnightUtc - offsetMs(timezone, midnightUtc);
  guess = midnightUtc - offsetMs(timezone, guess);
  return guess;
}

/** `[start of from, start of the day after to)` in the time zone, as UTC epoch ms. */
export function dayRange(from: string, to: string, timezone: string): { start: number; end: number } {
  const next = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return { start: startOfDay(from, timezone), end: startOfDay(next, timezone) };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** A zod refinement for `{from, to}` days: in order, and at most `maxDays` long (`to` is named on failure). */
export function periodCheck(maxDays: number) {
  return (period: { from: string; to: string }, ctx: z.RefinementCtx): void => {
    if (period.from > period.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    else if (daysBetween(period.from, period.to) > maxDays) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period is at most ${maxDays} days` });
  };
}
