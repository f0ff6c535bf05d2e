import * as z from 'zod';
import { addDays, DaySchema, dayOf, isTimezone, startOfDay, TimezoneSchema } from './days.ts';

/**
 * A tenant's reporting calendar: which time zone each of its days is counted in.
 *
 * A tenant may change its zone. Counted days must never be recounted (reports, exports and
 * rollups already hold them), so a change only applies from a day that has not begun; every
 * earlier day keeps the zone it was counted in. The calendar is therefore a list of entries,
 * each a zone and the first day counted in it.
 *
 * Where two zones meet, the old zone's last day ends exactly where the new zone's first day
 * begins (at its local midnight): that last day is stretched or shortened, so days tile time
 * with no gap and no overlap and no label is repeated. A switch 24 hours or more to the east
 * (Pacific/Honolulu or Pacific/Pago_Pago to Pacific/Kiritimati) cannot keep every day: the new
 * zone's first midnight comes before the old zone's next one, so one day between them is
 * empty — what Samoa did to 2011-12-30.
 */

/** The first day of the first entry: the zone a tenant started with counts everything before its first change. */
export const CALENDAR_START = '0001-01-01';

/** From `from` (YYYY-MM-DD) on, days are counted in `timezone`. */
export interface CalendarEntry {
  timezone: string;
  from: string;
}

const CalendarEntrySchema = z.object({ timezone: TimezoneSchema, from: DaySchema }).strict();

/**
 * The stored form of a calendar (what `ReportingCalendar.entries` gives back): entries in order of
 * `from`, the first from 0001-01-01, each zone starting after the previous one does (otherwise
 * a day would end before it begins).
 */
export const CalendarSchema = z
  .array(CalendarEntrySchema)
  .min(1, 'a calendar has at least one time zone')
  .superRefine((entries, ctx) => {
    if (entries[0] !== undefined && entries[0].from !== CALENDAR_START) {
      ctx.addIssue({ code: 'custom', path: [0, 'from'], message: `the first time zone applies from ${CALENDAR_START}` });
    }
    let previousStart = Number.NEGATIVE_INFINITY;
    for (let index = 1; index < entries.length; index += 1) {
      const entry = entries[index] as CalendarEntry;
      const previous = entries[index - 1] as CalendarEntry;
      if (!isTimezone(entry.timezone) || !DaySchema.safeParse(entry.from).success) return; // reported by the entry schema
      if (entry.from <= previous.from) {
        ctx.addIssue({ code: 'custom', path: [index, 'from'], message: 'each time zone applies from a later day than the previous one' });
        return;
      }
      const start = startOfDay(entry.from, entry.timezone);
      if (start <= previousStart) {
        ctx.addIssue({ code: 'custom', path: [index, 'from'], message: 'this time zone would begin before the previous one does' });
        return;
      }
      previousStart = start;
    }
  });

/** One stretch of a period counted in one zone, as `spans` gives them. */
export interface CalendarSpan {
  from: string;
  to: string;
  timezone: string;
}

/** A tenant's days: in which zone each is counted, where it begins and ends, and how a zone change lands. */
export class ReportingCalendar {
  readonly #entries: readonly CalendarEntry[];
  /** Where each entry's first day begins (the first entry: always). */
  readonly #starts: readonly number[];
  /** Each entry's last day (the last entry: none). */
  readonly #lastDays: readonly (string | undefined)[];

  /** Checks `entries` against `CalendarSchema` (throws a ZodError). */
  constructor(entries: readonly CalendarEntry[]) {
    const parsed = CalendarSchema.parse(entries);
    this.#entries = Object.freeze(parsed.map(({ timezone, from }) => Object.freeze({ timezone, from })));
    this.#starts = parsed.map((entry, index) => (index === 0 ? Number.NEGATIVE_INFINITY : startOfDay(entry.from, entry.timezone)));
    this.#lastDays = parsed.map((_, index) => {
      const next = parsed[index + 1];
      return next === undefined ? undefined : addDays(next.from, -1);
    });
  }

  /** A tenant that has only ever had one zone. */
  static of(timezone: string): ReportingCalendar {
    return new ReportingCalendar([{ timezone, from: CALENDAR_START }]);
  }

  /** What to store (JSON), valid for `CalendarSchema` and the constructor. */
  get entries(): readonly CalendarEntry[] {
    return this.#entries;
  }

  /** The zone of the latest change: the tenant's zone from now on (or from its next day). */
  get timezone(): string {
    return (this.#entries[this.#entries.length - 1] as CalendarEntry).timezone;
  }

  /** True while the tenant has never changed zone: every day is a plain day of `timezone`. */
  get isSingle(): boolean {
    return this.#entries.length === 1;
  }

  /** So that `JSON.stringify(calendar)` stores the entries and nothing derived from them. */
  toJSON(): readonly CalendarEntry[] {
    return this.#entries;
  }

  /**
   * The day an instant is counted in. Instants from the start of an entry's first day on are
   * read in that entry's zone; before it, in the previous zone, where a day on or after the
   * change is held back to the old zone's last day (which is why that day can be stretched).
   */
  dayOf(at: string | number | Date): string {
    const instant = instantOf(at);
    let index = this.#starts.length - 1;
    while (instant < (this.#starts[index] as number)) index -= 1;
    const day = dayOf(instant, (this.#entries[index] as CalendarEntry).timezone);
    const lastDay = this.#lastDays[index];
    return lastDay !== undefined && day > lastDay ? lastDay : day;
  }

  /**
   * Where a day begins: at its midnight in the zone it is counted in — except a day of an old
   * zone that would begin after the next zone's first day does (only after a switch 24 hours or
   * more to the east), which is empty and begins and ends where the next zone begins.
   */
  startOfDay(day: string): number {
    let index = this.#entries.length - 1;
    while (index > 0 && day < (this.#entries[index] as CalendarEntry).from) index -= 1;
    const own = startOfDay(day, (this.#entries[index] as CalendarEntry).timezone);
    const next = this.#starts[index + 1];
    return next !== undefined && next < own ? next : own;
  }

  /** `[start of from, start of the day after to)` in epoch ms, across zone changes too. */
  dayRange(from: string, to: string): { start: number; end: number } {
    return { start: this.startOfDay(from), end: this.startOfDay(addDays(to, 1)) };
  }

  /**
   * The zones the days `from` … `to` are counted in, one span per zone, in order (one span when the
   * period does not cross a change; none when `to` is before `from`). Reports name these zones, so
   * they never claim a zone their days are not in.
   */
  spans(from: string, to: string): CalendarSpan[] {
    for (const day of [from, to]) if (!DaySchema.safeParse(day).success) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${day}`);
    const spans: CalendarSpan[] = [];
    this.#entries.forEach((entry, index) => {
      const lastDay = this.#lastDays[index];
      const spanFrom = from > entry.from ? from : entry.from;
      const spanTo = lastDay !== undefined && lastDay < to ? lastDay : to;
      if (spanFrom <= spanTo) spans.push({ from: spanFrom, to: spanTo, timezone: entry.timezone });
    });
    return spans;
  }

  /**
   * The calendar after the tenant switches to `timezone` at instant `now`. The day containing
   * `now` (and every earlier day) stays as counted; the new zone starts at the first of its
   * midnights after `now` that also comes after the start of the old zone's last day, so that
   * last day is not empty. A switch to the current zone changes nothing; a switch made before
   * the previous one took effect (its first day not begun, no day held back by it) replaces it.
   */
  withTimezone(timezone: string, now: number): ReportingCalendar {
    if (!isTimezone(timezone)) throw new RangeError(`not an IANA time zone: ${timezone}`);
    if (!Number.isFinite(now)) throw new RangeError(`not an instant: ${now}`);
    if (timezone === this.timezone) return this;
    const base = this.#withoutChangesAfter(now);
    if (timezone === base.timezone) return base;
    const last = base.#entries[base.#entries.length - 1] as CalendarEntry;
    const lastStart = base.#starts[base.#starts.length - 1] as number;
    const afterToday = addDays(base.dayOf(now), 1);
    const afterLastChange = addDays(last.from, 1);
    // biome-ignore lint/complexity/useMathMinMax: days are YYYY-MM-DD strings, compared as text
    const earliest = afterToday > afterLastChange ? afterToday : afterLastChange;
    const switched = (from: string) => new ReportingCalendar([...base.#entries, { timezone, from }]);
    let from = earliest;
    for (let tries = 0; tries < 7; tries += 1, from = addDays(from, 1)) {
      if (startOfDay(from, timezone) > Math.max(now, base.startOfDay(addDays(from, -1)))) return switched(from);
    }
    // 24 hours or more to the east: the old zone's last day cannot begin before the new zone's first.
    from = earliest;
    for (let tries = 0; tries < 7; tries += 1, from = addDays(from, 1)) {
      if (startOfDay(from, timezone) > Math.max(now, lastStart)) return switched(from);
    }
    throw new RangeError(`no day to switch from ${this.timezone} to ${timezone} at ${new Date(now).toISOString()}`);
  }

  /** This calendar without the changes that nothing at or before `now` depends on yet. */
  #withoutChangesAfter(now: number): ReportingCalendar {
    let count = this.#entries.length;
    while (count > 1) {
      const entry = this.#entries[count - 1] as CalendarEntry;
      const previous = this.#entries[count - 2] as CalendarEntry;
      // The change affects instants from its own first day on, and those the old zone holds back.
      const firstAffected = Math.min(this.#starts[count - 1] as number, startOfDay(entry.from, previous.timezone));
      if (now >= firstAffected) break;
      count -= 1;
    }
    return count === this.#entries.length ? this : new ReportingCalendar(this.#entries.slice(0, count));
  }
}

function instantOf(at: string | number | Date): number {
  const instant = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(instant)) throw new RangeError(`not an instant: ${String(at)}`);
  return instant;
}
