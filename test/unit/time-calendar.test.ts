import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALENDAR_START, CalendarSchema, ReportingCalendar } from '../../shared/time/calendar.ts';
import { addDays, dayOf, eachDay, startOfDay } from '../../shared/time/days.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * What is wrong with the days `from` … `to` of a calendar: each must begin where the previous
 * one ends; each day that lasts must hold its first and last instant; the instant before it
 * must be on the previous day that lasts (no label skipped or repeated); and a day may only
 * be empty if it is the last day of a zone (see `emptyDays`).
 */
function tilingProblems(calendar: ReportingCalendar, from: string, to: string): string[] {
  const problems: string[] = [];
  let previous: string | undefined;
  let previousEnd: number | undefined;
  for (const day of eachDay(from, to)) {
    const { start, end } = calendar.dayRange(day, day);
    if (previousEnd !== undefined && start !== previousEnd) problems.push(`${day}: a gap or an overlap with the day before`);
    previousEnd = end;
    if (end < start) problems.push(`${day}: ends before it begins`);
    if (end <= start) continue;
    if (calendar.dayOf(start) !== day) problems.push(`${day}: its first instant is on ${calendar.dayOf(start)}`);
    if (calendar.dayOf(end - 1) !== day) problems.push(`${day}: its last instant is on ${calendar.dayOf(end - 1)}`);
    if (previous !== undefined && calendar.dayOf(start - 1) !== previous) problems.push(`${day}: the instant before is on ${calendar.dayOf(start - 1)}, not ${previous}`);
    previous = day;
  }
  return problems;
}

function emptyDays(calendar: ReportingCalendar, from: string, to: string): string[] {
  return eachDay(from, to).filter((day) => {
    const { start, end } = calendar.dayRange(day, day);
    return start === end;
  });
}

/** The day before each change: the only days a switch may leave empty. */
function lastDaysOfZones(calendar: ReportingCalendar): string[] {
  return calendar.entries.slice(1).map((entry) => addDays(entry.from, -1));
}

function hoursOf(calendar: ReportingCalendar, day: string): number {
  const { start, end } = calendar.dayRange(day, day);
  return (end - start) / HOUR;
}

describe('a calendar with one time zone', () => {
  it('counts days exactly as the zone does', () => {
    // Prepare
    const calendar = ReportingCalendar.of('America/Santiago');

    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (at) => {
        // Act
        const day = calendar.dayOf(at);

        // Assess
        expect(day).toBe(dayOf(at, 'America/Santiago'));
        expect(calendar.startOfDay(day)).toBe(startOfDay(day, 'America/Santiago'));
      }),
    );
  });

  it('has one span whatever the period', () => {
    expect(ReportingCalendar.of('Europe/Berlin').spans('2025-01-01', '2026-12-31')).toEqual([{ from: '2025-01-01', to: '2026-12-31', timezone: 'Europe/Berlin' }]);
  });

  it('is single, and stores as one entry from 0001-01-01', () => {
    // Act
    const calendar = ReportingCalendar.of('Asia/Kolkata');

    // Assess
    expect(calendar.isSingle).toBe(true);
    expect(JSON.parse(JSON.stringify(calendar))).toEqual([{ timezone: 'Asia/Kolkata', from: CALENDAR_START }]);
  });
});

describe('switching from Europe/Berlin to America/New_York at 2025-06-10 12:00 UTC (14:00 in Berlin)', () => {
  const now = Date.parse('2025-06-10T12:00:00Z');
  const calendar = ReportingCalendar.of('Europe/Berlin').withTimezone('America/New_York', now);

  it('counts New York days from the next day on', () => {
    expect(calendar.entries).toEqual([
      { timezone: 'Europe/Berlin', from: CALENDAR_START },
      { timezone: 'America/New_York', from: '2025-06-11' },
    ]);
    expect(calendar.timezone).toBe('America/New_York');
  });

  it("stretches Berlin's last day to New York's midnight: 30 hours", () => {
    expect(calendar.dayRange('2025-06-10', '2025-06-10')).toEqual({ start: Date.parse('2025-06-10T00:00:00+02:00'), end: Date.parse('2025-06-11T00:00:00-04:00') });
    expect(hoursOf(calendar, '2025-06-10')).toBe(30);
  });

  it('tiles the days across the switch', () => {
    expect(tilingProblems(calendar, '2025-06-01', '2025-06-30')).toEqual([]);
    expect(emptyDays(calendar, '2025-06-01', '2025-06-30')).toEqual([]);
  });

  it('reads the hours after Berlin midnight as still the last Berlin day', () => {
    expect(calendar.dayOf('2025-06-10T23:30:00Z')).toBe('2025-06-10'); // 01:30 on the 11th in Berlin, 19:30 on the 10th in New York
  });

  it('splits a period exactly at the change', () => {
    expect(calendar.spans('2025-06-01', '2025-06-30')).toEqual([
      { from: '2025-06-01', to: '2025-06-10', timezone: 'Europe/Berlin' },
      { from: '2025-06-11', to: '2025-06-30', timezone: 'America/New_York' },
    ]);
    expect(calendar.spans('2025-06-11', '2025-06-30')).toEqual([{ from: '2025-06-11', to: '2025-06-30', timezone: 'America/New_York' }]);
    expect(calendar.spans('2025-06-01', '2025-06-10')).toEqual([{ from: '2025-06-01', to: '2025-06-10', timezone: 'Europe/Berlin' }]);
  });
});

describe('switching from UTC to Asia/Kolkata at 2025-06-10 12:00 UTC', () => {
  const calendar = ReportingCalendar.of('UTC').withTimezone('Asia/Kolkata', Date.parse('2025-06-10T12:00:00Z'));

  it("shortens the last UTC day to Kolkata's next midnight: 18.5 hours", () => {
    expect(calendar.entries[1]).toEqual({ timezone: 'Asia/Kolkata', from: '2025-06-11' });
    expect(hoursOf(calendar, '2025-06-10')).toBe(18.5);
  });

  it('tiles the days across the switch', () => {
    expect(tilingProblems(calendar, '2025-06-01', '2025-06-30')).toEqual([]);
  });
});

describe('switching across the date line: Pacific/Kiritimati (UTC+14) to Pacific/Pago_Pago (UTC−11) and back', () => {
  const west = ReportingCalendar.of('Pacific/Kiritimati').withTimezone('Pacific/Pago_Pago', Date.parse('2025-06-10T12:00:00Z'));

  it("going west, stretches Kiritimati's last day to Pago Pago's midnight: 49 hours", () => {
    expect(west.entries[1]).toEqual({ timezone: 'Pacific/Pago_Pago', from: '2025-06-12' });
    expect(hoursOf(west, '2025-06-11')).toBe(49);
    expect(tilingProblems(west, '2025-06-01', '2025-06-30')).toEqual([]);
    expect(emptyDays(west, '2025-06-01', '2025-06-30')).toEqual([]);
  });

  it('going back east 25 hours, leaves exactly one day empty (there is no way to keep it) and repeats none', () => {
    // Act
    const back = west.withTimezone('Pacific/Kiritimati', Date.parse('2025-06-20T12:00:00Z'));

    // Assess
    expect(back.entries[2]).toEqual({ timezone: 'Pacific/Kiritimati', from: '2025-06-22' });
    expect(hoursOf(back, '2025-06-20')).toBe(23);
    expect(emptyDays(back, '2025-06-01', '2025-06-30')).toEqual(['2025-06-21']);
    expect(tilingProblems(back, '2025-06-01', '2025-06-30')).toEqual([]);
    expect(back.spans('2025-06-01', '2025-06-30').map((span) => span.timezone)).toEqual(['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Pacific/Kiritimati']);
  });

  it('going east exactly 24 hours (Pacific/Honolulu to Pacific/Kiritimati) leaves one day empty, as Samoa did to 2011-12-30', () => {
    // Act
    const calendar = ReportingCalendar.of('Pacific/Honolulu').withTimezone('Pacific/Kiritimati', Date.parse('2025-06-10T12:00:00Z'));

    // Assess
    expect(emptyDays(calendar, '2025-06-01', '2025-06-30')).toEqual(lastDaysOfZones(calendar));
    expect(hoursOf(calendar, '2025-06-10')).toBe(24);
    expect(tilingProblems(calendar, '2025-06-01', '2025-06-30')).toEqual([]);
  });
});

describe('withTimezone', () => {
  it('changes nothing when switching to the current zone', () => {
    // Prepare
    const calendar = ReportingCalendar.of('Europe/Berlin').withTimezone('America/New_York', Date.parse('2025-06-10T12:00:00Z'));

    // Act
    const same = calendar.withTimezone('America/New_York', Date.parse('2025-08-01T12:00:00Z'));

    // Assess
    expect(same).toBe(calendar);
  });

  it('replaces a switch that has not taken effect yet instead of stacking a one-day zone', () => {
    // Prepare: Berlin → New York from 2025-06-11, changed to Chicago an hour later (still the 10th in Berlin).
    const first = ReportingCalendar.of('Europe/Berlin').withTimezone('America/New_York', Date.parse('2025-06-10T12:00:00Z'));

    // Act
    const second = first.withTimezone('America/Chicago', Date.parse('2025-06-10T13:00:00Z'));

    // Assess
    expect(second.entries).toEqual([
      { timezone: 'Europe/Berlin', from: CALENDAR_START },
      { timezone: 'America/Chicago', from: '2025-06-11' },
    ]);
  });

  it('drops a switch that has not taken effect when switching back to the zone in use', () => {
    // Prepare
    const first = ReportingCalendar.of('Europe/Berlin').withTimezone('America/New_York', Date.parse('2025-06-10T12:00:00Z'));

    // Act
    const back = first.withTimezone('Europe/Berlin', Date.parse('2025-06-10T13:00:00Z'));

    // Assess
    expect(back.entries).toEqual([{ timezone: 'Europe/Berlin', from: CALENDAR_START }]);
  });

  it("keeps a switch whose old zone's last day is already being stretched, and recounts nothing", () => {
    // Prepare: Kiritimati → Pago Pago from 2025-06-12; at 2025-06-11 12:00 UTC it is the 12th in Kiritimati, held back to the 11th.
    const first = ReportingCalendar.of('Pacific/Kiritimati').withTimezone('Pacific/Pago_Pago', Date.parse('2025-06-10T12:00:00Z'));
    const now = Date.parse('2025-06-11T12:00:00Z');

    // Act
    const second = first.withTimezone('Asia/Tokyo', now);

    // Assess
    expect(second.entries.map((entry) => entry.timezone)).toEqual(['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Tokyo']);
    expect(second.dayOf(now)).toBe('2025-06-11');
    expect(tilingProblems(second, '2025-06-01', '2025-06-30')).toEqual([]);
  });

  it('never moves the day containing now: the switch starts after now, in a later day', () => {
    const zones = fc.constantFrom(
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'America/Santiago',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Pacific/Chatham',
      'Australia/Lord_Howe',
    );
    fc.assert(
      fc.property(zones, zones, fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }), (from, to, now) => {
        // Prepare
        const before = ReportingCalendar.of(from);

        // Act
        const after = before.withTimezone(to, now);

        // Assess
        expect(after.dayOf(now)).toBe(before.dayOf(now));
        expect(after.spans(after.dayOf(now), after.dayOf(now))).toEqual([{ from: after.dayOf(now), to: after.dayOf(now), timezone: from }]);
        if (from !== to) expect(after.startOfDay((after.entries[1] as { from: string }).from)).toBeGreaterThan(now);
      }),
      { numRuns: 500 },
    );
  });
});

describe('random sequences of switches at random instants', () => {
  const EVERY_KIND = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'America/Santiago',
    'America/Havana',
    'Asia/Beirut',
    'Atlantic/Azores',
    'Antarctica/Troll',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Tongatapu',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Pacific/Honolulu',
    'Etc/GMT+12',
    'Asia/Tokyo',
    'America/Anchorage',
  ];
  /** Less than 24 hours apart at any time of year: from America/Anchorage (UTC−9/−8) to Pacific/Chatham (UTC+12:45/+13:45). */
  const WITHIN_A_DAY = EVERY_KIND.filter((zone) => !['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Pacific/Honolulu', 'Etc/GMT+12', 'Pacific/Tongatapu'].includes(zone));

  const scenario = (zones: string[]) =>
    fc.record({
      first: fc.constantFrom(...zones),
      start: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 11, 1) }),
      // Gaps from a minute (a switch before the last one took effect) to four days.
      switches: fc.array(fc.record({ zone: fc.constantFrom(...zones), gap: fc.integer({ min: 60_000, max: 4 * DAY }) }), { minLength: 1, maxLength: 5 }),
      probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
    });

  /** Applies the switches; at each, checks that nothing at or before `now` changes day. */
  function play({ first, start, switches, probes }: { first: string; start: number; switches: { zone: string; gap: number }[]; probes: number[] }) {
    let calendar = ReportingCalendar.of(first);
    let now = start;
    const recounted: string[] = [];
    for (const { zone, gap } of switches) {
      now += gap;
      const next = calendar.withTimezone(zone, now);
      const earlier = [now, now - 1, calendar.startOfDay(calendar.dayOf(now)), ...probes.map((share) => Math.floor(now - share * 3 * DAY))];
      for (const at of earlier) if (next.dayOf(at) !== calendar.dayOf(at)) recounted.push(`${new Date(at).toISOString()}: ${calendar.dayOf(at)} became ${next.dayOf(at)}`);
      calendar = next;
    }
    const from = addDays(dayOf(start, 'UTC'), -3);
    const to = addDays(dayOf(now, 'UTC'), 6);
    return { calendar, recounted, from, to, start, now };
  }

  it('never recounts an instant at or before the switch', () => {
    fc.assert(
      fc.property(scenario(EVERY_KIND), (input) => {
        expect(play(input).recounted).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('tiles the days around the switches, with no label skipped or repeated', () => {
    fc.assert(
      fc.property(scenario(EVERY_KIND), (input) => {
        // Act
        const { calendar, from, to } = play(input);

        // Assess
        expect(tilingProblems(calendar, from, to)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves a day empty only as the last day of a zone left for one 24 hours or more to the east', () => {
    fc.assert(
      fc.property(scenario(EVERY_KIND), (input) => {
        // Act
        const { calendar, from, to } = play(input);

        // Assess
        const lastDays = lastDaysOfZones(calendar);
        expect(emptyDays(calendar, from, to).filter((day) => !lastDays.includes(day))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves no day empty between zones less than 24 hours apart', () => {
    fc.assert(
      fc.property(scenario(WITHIN_A_DAY), (input) => {
        // Act
        const { calendar, from, to } = play(input);

        // Assess
        expect(emptyDays(calendar, from, to)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('puts every instant in the day whose range contains it', () => {
    fc.assert(
      fc.property(scenario(EVERY_KIND), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 20 }), (input, shares) => {
        // Prepare
        const { calendar, from, to } = play(input);
        const { start: first } = calendar.dayRange(from, from);
        const { end: last } = calendar.dayRange(to, to);

        for (const share of shares) {
          // Act
          const at = Math.floor(first + share * (last - first - 1));
          const day = calendar.dayOf(at);

          // Assess
          const { start, end } = calendar.dayRange(day, day);
          expect(start <= at && at < end).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('spans the period in the zones of its entries, split exactly at each change', () => {
    fc.assert(
      fc.property(scenario(EVERY_KIND), (input) => {
        // Prepare
        const { calendar, from, to } = play(input);

        // Act
        const spans = calendar.spans(from, to);

        // Assess: contiguous, covering the period, and each day in the zone counting it.
        expect(spans[0]?.from).toBe(from);
        expect(spans[spans.length - 1]?.to).toBe(to);
        spans.forEach((span, index) => {
          if (index > 0) expect(span.from).toBe(addDays((spans[index - 1] as { to: string }).to, 1));
          const entry = [...calendar.entries].reverse().find((candidate) => candidate.from <= span.from);
          expect(entry?.timezone).toBe(span.timezone);
          expect(calendar.entries.some((candidate) => candidate.from > span.from && candidate.from <= span.to)).toBe(false);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('survives a JSON round trip', () => {
    fc.assert(
      fc.property(scenario(EVERY_KIND), (input) => {
        // Prepare
        const { calendar } = play(input);

        // Act
        const restored = new ReportingCalendar(CalendarSchema.parse(JSON.parse(JSON.stringify(calendar))));

        // Assess
        expect(restored.entries).toEqual(calendar.entries);
      }),
      { numRuns: 100 },
    );
  });
});

describe('CalendarSchema', () => {
  const messages = (value: unknown) => CalendarSchema.safeParse(value).error?.issues.map((issue) => issue.message);

  it('takes entries in order from 0001-01-01', () => {
    expect(
      CalendarSchema.safeParse([
        { timezone: 'UTC', from: CALENDAR_START },
        { timezone: 'Europe/Berlin', from: '2025-06-11' },
      ]).success,
    ).toBe(true);
  });

  it('refuses a calendar with no zone', () => {
    expect(messages([])).toEqual(['a calendar has at least one time zone']);
  });

  it('refuses a first entry that does not start at 0001-01-01', () => {
    expect(messages([{ timezone: 'UTC', from: '2025-01-01' }])).toEqual([`the first time zone applies from ${CALENDAR_START}`]);
  });

  it('refuses entries out of order', () => {
    expect(
      messages([
        { timezone: 'UTC', from: CALENDAR_START },
        { timezone: 'Europe/Berlin', from: '2025-06-11' },
        { timezone: 'Asia/Tokyo', from: '2025-06-11' },
      ]),
    ).toEqual(['each time zone applies from a later day than the previous one']);
  });

  it('refuses a zone that would begin before the previous one does', () => {
    // Prepare: 2025-06-11 begins in Kiritimati (UTC+14) at 2025-06-10 10:00 UTC, before 2025-06-10 begins in UTC−12.
    const entries = [
      { timezone: 'UTC', from: CALENDAR_START },
      { timezone: 'Etc/GMT+12', from: '2025-06-10' },
      { timezone: 'Pacific/Kiritimati', from: '2025-06-11' },
    ];

    // Act and assess
    expect(messages(entries)).toEqual(['this time zone would begin before the previous one does']);
    expect(() => new ReportingCalendar(entries)).toThrow();
  });

  it('refuses an unknown zone and a day that does not exist', () => {
    expect(messages([{ timezone: 'Mars/Olympus_Mons', from: CALENDAR_START }])).toEqual(['not an IANA time zone (e.g. Europe/Berlin)']);
    expect(
      messages([
        { timezone: 'UTC', from: CALENDAR_START },
        { timezone: 'UTC', from: '2025-02-29' },
      ]),
    ).toEqual(['not a calendar day']);
  });
});
