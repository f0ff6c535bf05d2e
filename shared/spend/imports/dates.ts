import { DaySchema } from '../../time/days.ts';

/** How `1/2/2026` reads: month first (US) or day first. */
export type DayOrder = 'mdy' | 'dmy';

export type DayReading = { ok: true; day: string } | { ok: false; reason: string };

const MONTHS = new Map<string, number>(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap((name, index) => [
    [name, index + 1],
    [name.slice(0, 3), index + 1],
    ...(name === 'september' ? [['sept', 9] as [string, number]] : []),
  ]),
);
const WEEKDAY = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i;
/** A trailing time that is midnight (`00:00:00`, `T00:00:00.000Z`, `12:00:00 AM`): still a day. */
const MIDNIGHT = /(?:[T\s]+(?:0?0:00(?::00(?:\.0+)?)?Z?|12:00(?::00)?\s*AM))$/i;
const ANY_TIME = /[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:AM|PM)?Z?$/i;
const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const MONTH_FIRST = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;
const DAY_FIRST = /^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/;
const RANGE_SEPARATOR = /\s+[-–—]\s+|\s*[–—]\s*|\s+to\s+/i;

/** Month before day in a locale's short dates (`en-US` → mdy, `nl-NL` → dmy); undefined if not a locale. */
export function dayOrderOf(locale: string): DayOrder | undefined {
  try {
    const parts = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(Date.UTC(2026, 10, 22)));
    const types = parts.map((part) => part.type);
    return types.indexOf('month') < types.indexOf('day') ? 'mdy' : 'dmy';
  } catch {
    return undefined;
  }
}

/**
 * The order numeric dates in a file are written in, from the dates themselves: a first number
 * above 12 can only be a day, a second one above 12 only a day too. US month-first when nothing
 * tells (that is how Microsoft and Google write dates in en-US).
 */
export function inferDayOrder(cells: Iterable<string>): DayOrder {
  let dayFirst = false;
  let monthFirst = false;
  for (const cell of cells) {
    const match = NUMERIC.exec(cell.trim().replace(MIDNIGHT, ''));
    if (!match || match[2] === '.') continue;
    if (Number(match[1]) > 12) dayFirst = true;
    if (Number(match[3]) > 12) monthFirst = true;
  }
  return dayFirst && !monthFirst ? 'dmy' : 'mdy';
}

/**
 * A cell as one calendar day `YYYY-MM-DD`, as the platform wrote it (no time-zone arithmetic):
 * `2026-11-01`, `2026/11/01`, `11/1/2026` or `1/11/2026` (by `order`), `1.11.2026` (always day
 * first), `Nov 1, 2026`, `1 November 2026`, optionally followed by a midnight time. A range such as
 * `2026-11-01 - 2026-11-30` is refused as such.
 */
export function parseDay(raw: string, order: DayOrder): DayReading {
  const cell = raw.trim();
  if (cell === '') return { ok: false, reason: 'no date' };
  const single = readDay(cell, order);
  if (single !== undefined) return single;
  const parts = cell.split(RANGE_SEPARATOR);
  if (parts.length === 2 && parts.every((part) => readDay(part.trim(), order)?.ok)) return { ok: false, reason: `"${cell}" is a date range, not a day; export with a daily breakdown` };
  return { ok: false, reason: `"${cell}" is not a date` };
}

/** A day, a reason it is a date but not a day, or undefined when it does not look like a date at all. */
function readDay(cell: string, order: DayOrder): DayReading | undefined {
  let text = cell.replace(WEEKDAY, '');
  if (MIDNIGHT.test(text)) text = text.replace(MIDNIGHT, '');
  else if (ANY_TIME.test(text) && readDay(text.replace(ANY_TIME, ''), order)) return { ok: false, reason: `"${cell}" has a time of day; export days, not hours` };
  let year: string;
  let month: number;
  let day: string;
  let match: RegExpExecArray | null;
  if ((match = ISO.exec(text))) [year, month, day] = [match[1]!, Number(match[2]), match[3]!];
  else if ((match = NUMERIC.exec(text))) {
    const dayFirst = match[2] === '.' || order === 'dmy';
    [year, month, day] = [match[4]!, Number(dayFirst ? match[3] : match[1]), dayFirst ? match[1]! : match[3]!];
  } else if ((match = MONTH_FIRST.exec(text)) && MONTHS.has(match[1]!.toLowerCase())) [year, month, day] = [match[3]!, MONTHS.get(match[1]!.toLowerCase())!, match[2]!];
  else if ((match = DAY_FIRST.exec(text)) && MONTHS.has(match[2]!.toLowerCase())) [year, month, day] = [match[3]!, MONTHS.get(match[2]!.toLowerCase())!, match[1]!];
  else return undefined;
  const label = `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!DaySchema.safeParse(label).success) return { ok: false, reason: `"${cell}" is not a calendar day` };
  return { ok: true, day: label };
}
