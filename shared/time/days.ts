import { TZDateMini } from '@date-fns/tz';
import * as z from 'zod';

/**
 * Calendar days (`YYYY-MM-DD`) and where they begin and end in an IANA time zone.
 *
 * The one hard question is where a local day begins (its midnight may not exist, or exist
 * twice). `@date-fns/tz` resolves it, and the answer is accepted only if the zone's wall clock
 * (`Intl.DateTimeFormat`, the ICU data the library itself reads) shows the date changing exactly
 * there. The check matters: `TZDate` builds local times through the host's own zone, and when
 * the host zone has daylight saving it can land an hour off (date-fns/tz#13; with
 * TZ=America/Santiago, `new TZDate(2025, 8, 7, 'America/Sao_Paulo')` is 01:00 instead of 00:00).
 * A rejected answer is replaced by a bisection on the wall clock. No UTC offset is computed
 * anywhere: every answer is an instant at which the wall clock was seen to change date.
 *
 * `dayOf` is then read from those confirmed starts (a small table per zone and UTC day), so the
 * two directions can never disagree.
 *
 * Speed, Node 20 on a busy two-core machine: 1,000,000 `dayOf` calls (numbers, a month of
 * instants, one zone) take 25–95 ms (the most on a first, cold run); with ISO strings ≈ 200 ms (parsing); 1,000,000
 * `startOfDay` calls on known days ≈ 20 ms. A day not seen before costs ≈ 2.5 µs when the day
 * before it is known, ≈ 20 µs alone; a zone not seen before ≈ 0.3 ms (its formatter).
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** No zone has ever been 18 hours or more from UTC: brackets for the bisection. */
const FURTHEST_OFFSET = 18 * HOUR;
/** Per zone and per cache: beyond this many entries the cache starts afresh (memory stays bounded). */
const CACHE_LIMIT = 20_000;
/** Zones kept at most (the runtime knows about 600 names, but any capitalisation is taken). */
const ZONE_LIMIT = 2_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists: days are keys and report periods, so 2025-02-30 must not get in. */
export const DaySchema = z
  .string()
  .regex(DAY_PATTERN, 'a day as YYYY-MM-DD')
  .refine((day) => !Number.isNaN(epochDayOf(day)), { message: 'not a calendar day' });

/**
 * Whether `name` is a time zone the runtime knows. Offsets such as `+01:00` are refused even
 * where the runtime would take them: a tenant reports in a place, whose rules may change,
 * not in a fixed offset.
 */
export function isTimezone(name: string): boolean {
  if (typeof name !== 'string' || !/^[A-Za-z]/.test(name)) return false;
  try {
    zoneNamed(name); // a formatter per zone, kept: building one takes a third of a millisecond
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name, as tenants configure it. */
export const TimezoneSchema = z
  .string()
  .refine(isTimezone, { message: 'not an IANA time zone (e.g. Europe/Berlin)' })
  // One name for one zone: `europe/berlin` is stored as `Europe/Berlin` (other names are kept as given: ICU's own canonical names are the old ones, Asia/Calcutta for Asia/Kolkata).
  .transform((name) => zoneNames().get(name.toLowerCase()) ?? name);

let names: Map<string, string> | undefined;
function zoneNames(): Map<string, string> {
  names ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));
  return names;
}

/**
 * The calendar day of an instant in a time zone (a string is read by `Date.parse`: give it a `Z`
 * or an offset). Hot: called for every touch of a projection, so each zone keeps, per UTC day,
 * the local days that overlap it and where they begin; a repeated look-up is a map access and a
 * comparison or two.
 */
export function dayOf(at: string | number | Date, timezone: string): string {
  const instant = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(instant)) throw new RangeError(`not an instant: ${String(at)}`);
  const zone = zoneNamed(timezone);
  const utcDay = Math.floor(instant / DAY);
  let days = zone.days.get(utcDay);
  if (days === undefined) {
    days = localDaysOverlapping(zone, utcDay);
    remember(zone.days, utcDay, days);
  }
  if (instant < days.secondStart) return days.first;
  return instant < days.thirdStart ? days.second : days.third;
}

/**
 * The first instant (epoch ms) of a local day. Not always midnight: where the clocks spring
 * forward at midnight (America/Santiago, America/Havana, Asia/Beirut, Africa/Cairo…) the day
 * starts at 01:00, and where they fall back at 01:00 it starts at the first of two midnights.
 * A day a zone skipped altogether (Pacific/Apia, 2011-12-30) starts and ends where the next one
 * starts: it is empty.
 */
export function startOfDay(day: string, timezone: string): number {
  return startIn(zoneNamed(timezone), day);
}

/**
 * `[start of from, start of the day after to)` in epoch ms: half-open, so consecutive periods
 * share their boundary and no instant is counted twice or missed.
 */
export function dayRange(from: string, to: string, timezone: string): { start: number; end: number } {
  return { start: startOfDay(from, timezone), end: startOfDay(addDays(to, 1), timezone) };
}

/** The day `n` days after `day` (before, if `n` is negative). A label is the same in every zone, so no zone is involved. */
export function addDays(day: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  return dayLabelOf(checkedEpochDay(day) + n);
}

/** A month, `YYYY-MM`: cohorts are counted by month of the tenant's calendar. */
export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

/** Months from `from` to `to` (`YYYY-MM`, or days, whose month is read): 0 for the same month. */
export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

/** The month `n` months after `month` (`YYYY-MM`). */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last day of a month (`YYYY-MM`). */
export function lastDayOfMonth(month: string): string {
  return addDays(`${addMonths(month, 1)}-01`, -1);
}

/** How many days `from` … `to` covers, both included, as periods are stated (1 for a single day; 0 or less if `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return checkedEpochDay(to) - checkedEpochDay(from) + 1;
}

/** The days `from` … `to`, both included, in order (empty if `to` is before `from`): one row per day in reports, even an empty day. */
export function eachDay(from: string, to: string): string[] {
  const first = checkedEpochDay(from);
  const last = checkedEpochDay(to);
  const days: string[] = [];
  for (let day = first; day <= last; day += 1) days.push(dayLabelOf(day));
  return days;
}

/**
 * A zod refinement for `{from, to}` days: in order, and at most `maxDays` long (`to` is named on
 * failure). Zod runs it even when a field failed `DaySchema`; such a period is left to that issue.
 */
export function periodCheck(maxDays: number) {
  return (period: { from: string; to: string }, ctx: z.RefinementCtx): void => {
    if (Number.isNaN(epochDayOf(period.from)) || Number.isNaN(epochDayOf(period.to))) return;
    if (period.from > period.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    else if (daysBetween(period.from, period.to) > maxDays) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period is at most ${maxDays} days` });
  };
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on labels

/*
 * Labels are converted to and from days since 1970-01-01 with the proleptic Gregorian
 * algorithms of H. Hinnant ("chrono-Compatible Low-Level Date Algorithms"): the hot paths
 * step through days, and going through `Date` and `toISOString` made up a third of their time.
 */

/** Days since 1970-01-01 of a `YYYY-MM-DD` that exists, else NaN. */
function epochDayOf(day: string): number {
  if (typeof day !== 'string' || day.length !== 10 || day.charCodeAt(4) !== 45 || day.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(day, 0, 4);
  const month = digits(day, 5, 7);
  const date = digits(day, 8, 10);
  if (!(month >= 1 && month <= 12 && date >= 1 && date <= monthLength(year, month))) return Number.NaN;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + date - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

function monthLength(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkedEpochDay(day: string): number {
  const epochDay = epochDayOf(day);
  if (Number.isNaN(epochDay)) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${day}`);
  return epochDay;
}

function dayLabelOf(epochDay: number): string {
  const shifted = epochDay + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) throw new RangeError('days are YYYY-MM-DD, years 0000–9999');
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${month < 10 ? '0' : ''}${month}-${date < 10 ? '0' : ''}${date}`;
}

// ---------------------------------------------------------------------------------------------
// Zones

/**
 * The local days that overlap one UTC day: `first` from the UTC day's start, `second` from
 * `secondStart`, `third` from `thirdStart` (a start is Infinity when there is no such day).
 * One flat object per UTC day: a month of touches builds thirty-odd of them.
 */
interface LocalDays {
  first: string;
  secondStart: number;
  second: string;
  thirdStart: number;
  third: string;
}

interface Zone {
  name: string;
  wallClock: Intl.DateTimeFormat;
  /** Date and time to the second, made when first asked for (`localDateTime`). */
  dateTime?: Intl.DateTimeFormat;
  /** Local days overlapping each UTC day (key: days since the epoch). */
  days: Map<number, LocalDays>;
  /** First instant of each local day resolved so far. */
  starts: Map<string, number>;
}

const zones = new Map<string, Zone>();
let lastZone: Zone | undefined;

function zoneNamed(timezone: string): Zone {
  if (lastZone !== undefined && lastZone.name === timezone) return lastZone;
  let zone = zones.get(timezone);
  if (zone === undefined) {
    // Throws a RangeError for a name the runtime does not know.
    const wallClock = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    zone = { name: timezone, wallClock, days: new Map(), starts: new Map() };
    remember(zones, timezone, zone, ZONE_LIMIT);
  }
  lastZone = zone;
  return zone;
}

function startIn(zone: Zone, day: string): number {
  let start = zone.starts.get(day);
  if (start === undefined) {
    start = resolveStart(zone, day);
    remember(zone.starts, day, start);
  }
  return start;
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V, limit = CACHE_LIMIT): void {
  if (cache.size >= limit) cache.clear();
  cache.set(key, value);
}

/** The date the zone's clocks show at an instant. */
function wallDay(zone: Zone, instant: number): string {
  const text = zone.wallClock.format(instant);
  // en-CA writes YYYY-MM-DD for years 1000–9999; other years (or a locale that changed its pattern) go through the library.
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) return text;
  const local = new TZDateMini(instant, zone.name);
  const year = local.getFullYear();
  const yyyy = year < 0 ? `-${String(-year).padStart(6, '0')}` : String(year).padStart(4, '0');
  return `${yyyy}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
}

/** Whether `day` starts exactly at `instant`: the wall clock reads `day` (or later) there, and an earlier day a millisecond before. */
function startsAt(zone: Zone, day: string, instant: number): boolean {
  return wallDay(zone, instant) >= day && wallDay(zone, instant - 1) < day;
}

function resolveStart(zone: Zone, day: string): number {
  const epochDay = checkedEpochDay(day);
  // Most days start 24 hours after the previous one: worth a check before asking the library.
  const previous = day > '0000-01-01' ? zone.starts.get(dayLabelOf(epochDay - 1)) : undefined;
  if (previous !== undefined && startsAt(zone, day, previous + DAY)) return previous + DAY;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const proposed = +new TZDateMini(year, month - 1, date, zone.name);
  if (Number.isFinite(proposed) && startsAt(zone, day, proposed)) return proposed;
  // The library was off (see the module comment): the first instant whose wall-clock date is `day` or later.
  let before = epochDay * DAY - FURTHEST_OFFSET;
  let from = epochDay * DAY + FURTHEST_OFFSET;
  while (from - before > 1) {
    const middle = Math.floor((before + from) / 2);
    if (wallDay(zone, middle) >= day) from = middle;
    else before = middle;
  }
  return from;
}

/**
 * The local days that overlap one UTC day, with where each begins, from the confirmed starts.
 * No zone has been 24 hours from UTC, so they are among that day and its two neighbours.
 */
function localDaysOverlapping(zone: Zone, utcDay: number): LocalDays {
  const start = utcDay * DAY;
  const end = start + DAY;
  const days: LocalDays = { first: '', secondStart: Infinity, second: '', thirdStart: Infinity, third: '' };
  for (let candidate = utcDay - 1; candidate <= utcDay + 1; candidate += 1) {
    const label = dayLabelOf(candidate);
    const begins = startIn(zone, label);
    if (begins <= start) days.first = label;
    else if (begins >= end) break;
    else if (days.secondStart === Infinity) {
      days.secondStart = begins;
      days.second = label;
    } else {
      days.thirdStart = begins;
      days.third = label;
    }
  }
  if (days.first === '') throw new RangeError(`no day of ${zone.name} contains ${new Date(start).toISOString()}`);
  return days;
}

/**
 * An instant on a zone's wall clock, `YYYY-MM-DD HH:MM:SS`: the form a
 * spreadsheet reads as a date-time in every locale (an ISO string with `T`
 * and `Z` stays text). From the same ICU data as the day boundaries above, so
 * a time and its day always agree. Milliseconds are dropped.
 */
export function localDateTime(at: string | number | Date, timezone: string): string {
  const instant = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(instant)) throw new RangeError(`not an instant: ${String(at)}`);
  const zone = zoneNamed(timezone);
  zone.dateTime ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const parts: Record<string, string> = {};
  for (const part of zone.dateTime.formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}
