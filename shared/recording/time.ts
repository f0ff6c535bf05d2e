import * as z from 'zod';

/** The latest a client clock may run ahead of ours. */
const FUTURE_SKEW_MS = 24 * 3_600_000;
const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * ISO-8601 with an offset on input ("2026-11-23T10:00:00+01:00"), always
 * UTC with milliseconds and `Z` once parsed, so strings sort as times.
 */
export const InstantSchema = z.iso
  .datetime({ offset: true, message: 'an ISO-8601 time with an offset, e.g. 2026-11-23T10:00:00+01:00' })
  .transform((text) => new Date(text).toISOString())
  .refine((iso) => Date.parse(iso) >= EARLIEST, { message: 'before the year 2000' })
  .refine((iso) => Date.parse(iso) <= Date.now() + FUTURE_SKEW_MS, { message: 'more than a day in the future' });

export function utc(value: string | number | Date): string {
  return new Date(value).toISOString();
}
