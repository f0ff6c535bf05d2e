import { TZDateMini } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { addDays, DaySchema, dayOf, dayRange, daysBetween, eachDay, isTimezone, periodCheck, startOfDay, TimezoneSchema } from '../../shared/time/days.ts';

const HOUR = 3_600_000;
const ZONES = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])];
const DAYS = eachDay('2025-01-01', '2026-12-31');

/**
 * The date a zone's clocks show, read without the module (en-US order, rearranged): the oracle
 * the module's cached answers are held to.
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallDate(at: number, timezone: string): string {
  let format = wallClocks.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    wallClocks.set(timezone, format);
  }
  const text = format.format(at); // MM/DD/YYYY
  return `${text.slice(6, 10)}-${text.slice(0, 2)}-${text.slice(3, 5)}`;
}

function wallTime(at: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** Today's hand-written offset guessing, as it stood before this module (for the named examples). */
function legacyStartOfDay(day: string, timezone: string): number {
  const offsetMs = (at: number) => {
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
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
  };
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  const guess = midnightUtc - offsetMs(midnightUtc);
  return midnightUtc - offsetMs(guess);
}

/** Every zone and every day of 2025–2026 (and the day before): `check` names what is wrong, or returns nothing. */
function sweep(check: (zone: string, day: string, previousDay: string) => string | undefined): string[] {
  const wrong: string[] = [];
  for (const zone of ZONES) {
    let previousDay = '2024-12-31';
    for (const day of DAYS) {
      const problem = check(zone, day, previousDay);
      if (problem !== undefined) wrong.push(`${zone} ${day}: ${problem}`);
      previousDay = day;
    }
  }
  return wrong;
}

describe('every day of 2025 and 2026 in every time zone the runtime knows', () => {
  // The first of these pays for resolving ~307,000 days (about 2 s on a busy two-core machine); the others read caches.

  it('a day begins on that day: dayOf(startOfDay(d)) is d', { timeout: 30_000 }, () => {
    // Prepare: the zones and days above. Act
    const wrong = sweep((zone, day) => {
      const start = startOfDay(day, zone);
      return dayOf(start, zone) === day ? undefined : `begins on ${dayOf(start, zone)}`;
    });

    // Assess
    expect(wrong).toEqual([]);
  });

  it('the millisecond before a day begins belongs to the previous day', () => {
    // Act
    const wrong = sweep((zone, day, previousDay) => {
      const before = dayOf(startOfDay(day, zone) - 1, zone);
      return before === previousDay ? undefined : `the instant before is on ${before}`;
    });

    // Assess
    expect(wrong).toEqual([]);
  });

  it("days tile time: a day holds its instants up to the next day's start, so nothing falls between days or in two", () => {
    // Act
    const wrong = sweep((zone, day) => {
      const { start, end } = dayRange(day, day, zone);
      if (end <= start) return 'ends before it begins';
      if (end !== startOfDay(addDays(day, 1), zone)) return 'does not end where the next day begins';
      return dayOf(end - 1, zone) === day ? undefined : `its last millisecond is on ${dayOf(end - 1, zone)}`;
    });

    // Assess
    expect(wrong).toEqual([]);
  });

  it('every day lasts between 22 and 26 hours', () => {
    // Act
    const wrong = sweep((zone, day) => {
      const { start, end } = dayRange(day, day, zone);
      const hours = (end - start) / HOUR;
      return hours >= 22 && hours <= 26 ? undefined : `lasts ${hours} h`;
    });

    // Assess
    expect(wrong).toEqual([]);
  });

  it("agrees with the zone's wall clock, read without the module, on both sides of every day's start", { timeout: 30_000 }, () => {
    // Act
    const wrong = sweep((zone, day, previousDay) => {
      const start = startOfDay(day, zone);
      return wallDate(start, zone) === day && wallDate(start - 1, zone) === previousDay ? undefined : `the wall clock reads ${wallDate(start - 1, zone)} then ${wallDate(start, zone)}`;
    });

    // Assess
    expect(wrong).toEqual([]);
  });
});

describe('zones whose clocks spring forward at midnight: the day begins at 01:00', () => {
  it.each([
    ['America/Santiago', '2025-09-07', '2025-09-07T01:00:00-03:00'],
    ['America/Havana', '2025-03-09', '2025-03-09T01:00:00-04:00'],
    ['Atlantic/Azores', '2025-03-30', '2025-03-30T01:00:00+00:00'],
    ['America/Asuncion', '2024-10-06', '2024-10-06T01:00:00-03:00'],
    ['Asia/Beirut', '2025-03-30', '2025-03-30T01:00:00+03:00'],
    ['Africa/Cairo', '2025-04-25', '2025-04-25T01:00:00+03:00'],
  ])('%s, %s begins at %s', (zone, day, firstInstant) => {
    // Act
    const start = startOfDay(day, zone);

    // Assess
    expect(start).toBe(Date.parse(firstInstant));
    expect(wallTime(start, zone)).toBe('01:00');
    expect((dayRange(day, day, zone).end - start) / HOUR).toBe(23);
  });

  it.each([
    ['America/Santiago', '2025-09-07'],
    ['America/Havana', '2025-03-09'],
    ['Atlantic/Azores', '2025-03-30'],
    ['America/Asuncion', '2024-10-06'],
  ])("%s, %s: today's offset guessing started it an hour early, on the previous day", (zone, day) => {
    // Act
    const guessed = legacyStartOfDay(day, zone);

    // Assess
    expect(guessed).toBe(startOfDay(day, zone) - HOUR);
    expect(wallDate(guessed, zone)).toBe(addDays(day, -1));
  });

  it.each([
    ['Asia/Beirut', '2025-03-30'],
    ['Africa/Cairo', '2025-04-25'],
  ])("%s, %s: east of Greenwich today's offset guessing happened to be right", (zone, day) => {
    // Act
    const guessed = legacyStartOfDay(day, zone);

    // Assess
    expect(guessed).toBe(startOfDay(day, zone));
  });

  it('America/Havana falls back from 01:00 to midnight: the day begins at the first of its two midnights', () => {
    // Act
    const start = startOfDay('2025-11-02', 'America/Havana');

    // Assess
    expect(start).toBe(Date.parse('2025-11-02T00:00:00-04:00'));
    expect((dayRange('2025-11-02', '2025-11-02', 'America/Havana').end - start) / HOUR).toBe(25);
  });

  it('America/Santiago falls back from midnight to 23:00: the Saturday lasts 25 hours, the Sunday begins once', () => {
    // Act
    const saturday = dayRange('2025-04-05', '2025-04-05', 'America/Santiago');

    // Assess
    expect((saturday.end - saturday.start) / HOUR).toBe(25);
    expect(saturday.end).toBe(Date.parse('2025-04-06T00:00:00-04:00'));
  });
});

describe('unusual day lengths in the time-zone data', () => {
  it('Antarctica/Troll moves between UTC+0 and UTC+2: its changeover days last 22 and 26 hours', () => {
    // Act
    const spring = dayRange('2025-03-30', '2025-03-30', 'Antarctica/Troll');
    const autumn = dayRange('2025-10-26', '2025-10-26', 'Antarctica/Troll');

    // Assess
    expect((spring.end - spring.start) / HOUR).toBe(22);
    expect((autumn.end - autumn.start) / HOUR).toBe(26);
  });

  it('Australia/Lord_Howe moves its clocks by half an hour: 23.5 and 24.5 hour days', () => {
    // Act
    const spring = dayRange('2025-10-05', '2025-10-05', 'Australia/Lord_Howe');
    const autumn = dayRange('2025-04-06', '2025-04-06', 'Australia/Lord_Howe');

    // Assess
    expect((spring.end - spring.start) / HOUR).toBe(23.5);
    expect((autumn.end - autumn.start) / HOUR).toBe(24.5);
  });

  it('Pacific/Apia skipped 2011-12-30: that day is empty, and no instant is on it', () => {
    // Act
    const skipped = dayRange('2011-12-30', '2011-12-30', 'Pacific/Apia');

    // Assess
    expect(skipped.end).toBe(skipped.start);
    expect(dayOf(skipped.start - 1, 'Pacific/Apia')).toBe('2011-12-29');
    expect(dayOf(skipped.start, 'Pacific/Apia')).toBe('2011-12-31');
  });
});

describe('dayOf and startOfDay at any instant', () => {
  const instants = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) });
  const zones = fc.constantFrom(...ZONES);

  it('dayOf reads the date on the wall clock of the zone', () => {
    fc.assert(
      fc.property(instants, zones, (at, zone) => {
        // Act
        const day = dayOf(at, zone);

        // Assess
        expect(day).toBe(wallDate(at, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('an instant lies in the range of its own day', () => {
    fc.assert(
      fc.property(instants, zones, (at, zone) => {
        // Act
        const day = dayOf(at, zone);
        const { start, end } = dayRange(day, day, zone);

        // Assess
        expect(start).toBeLessThanOrEqual(at);
        expect(at).toBeLessThan(end);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes an instant as epoch ms, an ISO string or a Date alike', () => {
    // Prepare
    const at = '2025-03-30T00:30:00.000Z';

    // Act
    const days = [dayOf(at, 'Europe/Berlin'), dayOf(Date.parse(at), 'Europe/Berlin'), dayOf(new Date(at), 'Europe/Berlin')];

    // Assess
    expect(days).toEqual(['2025-03-30', '2025-03-30', '2025-03-30']);
  });

  it('refuses what is not an instant, an unknown zone and a day that does not exist', () => {
    expect(() => dayOf('yesterday', 'UTC')).toThrow(RangeError);
    expect(() => dayOf(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => startOfDay('2025-02-29', 'UTC')).toThrow(RangeError);
  });

  it('stays right when the host runs in a zone with daylight saving, where TZDate alone is an hour off', () => {
    // Prepare: a day no other test resolves (the random instants stop at 2100), and a host zone whose spring-forward falls on it.
    const hostZone = process.env.TZ;
    process.env.TZ = 'America/Santiago';
    try {
      const libraryAlone = +new TZDateMini(2101, 8, 4, 'America/Sao_Paulo');

      // Act
      const start = startOfDay('2101-09-04', 'America/Sao_Paulo');

      // Assess
      expect(libraryAlone).not.toBe(Date.parse('2101-09-04T00:00:00-03:00'));
      expect(start).toBe(Date.parse('2101-09-04T00:00:00-03:00'));
    } finally {
      if (hostZone === undefined) delete process.env.TZ;
      else process.env.TZ = hostZone;
    }
  });
});

describe('calendar arithmetic on days', () => {
  const days = fc.integer({ min: Date.UTC(1000, 0, 1) / 86_400_000, max: Date.UTC(9990, 0, 1) / 86_400_000 }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
  const shifts = fc.integer({ min: -1000, max: 1000 });

  it('addDays agrees with UTC date arithmetic', () => {
    fc.assert(
      fc.property(days, shifts, (day, n) => {
        // Act
        const shifted = addDays(day, n);

        // Assess
        expect(shifted).toBe(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10));
      }),
    );
  });

  it('daysBetween counts both ends: from a day to n days later is n + 1 days', () => {
    fc.assert(
      fc.property(days, fc.nat(1000), (day, n) => {
        expect(daysBetween(day, addDays(day, n))).toBe(n + 1);
      }),
    );
  });

  it('eachDay lists daysBetween days, one after the other', () => {
    fc.assert(
      fc.property(days, fc.nat(400), (from, n) => {
        // Prepare
        const to = addDays(from, n);

        // Act
        const listed = eachDay(from, to);

        // Assess
        expect(listed).toHaveLength(daysBetween(from, to));
        expect(listed.every((day, index) => index === 0 || addDays(listed[index - 1] as string, 1) === day)).toBe(true);
      }),
    );
  });

  it('crosses leap days and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2025-01-01', '2025-12-31')).toBe(365);
    expect(eachDay('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('eachDay is empty when to is before from', () => {
    expect(eachDay('2025-01-02', '2025-01-01')).toEqual([]);
  });
});

describe('DaySchema', () => {
  it('takes a day that exists', () => {
    expect(DaySchema.parse('2024-02-29')).toBe('2024-02-29');
  });

  it.each([
    ['2025-02-29', 'not a calendar day'],
    ['2025-13-01', 'not a calendar day'],
    ['2025-04-31', 'not a calendar day'],
    ['2025-4-1', 'a day as YYYY-MM-DD'],
    ['2025-04-01T00:00:00Z', 'a day as YYYY-MM-DD'],
  ])('refuses %s: %s', (day, message) => {
    // Act
    const result = DaySchema.safeParse(day);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain(message);
  });
});

describe('periodCheck', () => {
  const Period = z.object({ from: DaySchema, to: DaySchema }).superRefine(periodCheck(31));

  it('takes a period of up to the maximum number of days', () => {
    expect(Period.safeParse({ from: '2025-01-01', to: '2025-01-31' }).success).toBe(true);
    expect(Period.safeParse({ from: '2025-01-01', to: '2025-01-01' }).success).toBe(true);
  });

  it('names to when it is before from', () => {
    // Act
    const result = Period.safeParse({ from: '2025-01-02', to: '2025-01-01' });

    // Assess
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['to'], message: 'to is before from' })]);
  });

  it('leaves a day that does not exist to DaySchema, without throwing', () => {
    // Act
    const result = Period.safeParse({ from: '2025-02-30', to: '2025-03-01' });

    // Assess
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['not a calendar day']);
  });

  it('names to when the period is longer than the maximum', () => {
    // Act
    const result = Period.safeParse({ from: '2025-01-01', to: '2025-02-01' });

    // Assess
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['to'], message: 'a period is at most 31 days' })]);
  });
});

describe('time zone names', () => {
  it.each(['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Asia/Calcutta'])('%s is a time zone', (name) => {
    expect(isTimezone(name)).toBe(true);
    expect(TimezoneSchema.safeParse(name).success).toBe(true);
  });

  it.each(['', 'Mars/Olympus_Mons', '+01:00', 'GMT+1', 'Europe/Berlin '])('"%s" is not', (name) => {
    // Act
    const result = TimezoneSchema.safeParse(name);

    // Assess
    expect(isTimezone(name)).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['not an IANA time zone (e.g. Europe/Berlin)']);
  });
});
