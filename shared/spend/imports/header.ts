import { fileError } from './errors.ts';
import { AUTO_ORDER, type ColumnMap, identifies, mapColumns, PROFILES, type SpendProfile } from './profiles.ts';
import { DELIMITERS, type Delimiter, type Lines, type Row, readRows } from './table.ts';

/** Lines searched for the header. */
export const HEADER_SEARCH_LINES = 30;

export interface Header {
  profile: SpendProfile;
  delimiter: Delimiter;
  /** 1-based line of the header row. */
  line: number;
  cells: string[];
  columns: ColumnMap;
  /** The lines above the header, as text (blank ones left out). */
  preamble: string[];
}

/**
 * The first of the first 30 lines that holds the profile's date and cost columns, read with
 * whichever of comma, tab or semicolon makes it so (the one giving more cells if several do). With
 * `auto` the profiles are tried in {@link AUTO_ORDER} and the first whose header is found (and whose
 * distinguishing columns or preamble are there) is taken.
 */
export function findHeader(lines: Lines, profile: SpendProfile | 'auto'): Header {
  const candidates = DELIMITERS.map((delimiter) => ({ delimiter, rows: leadingRows(lines, delimiter) }));
  const profiles = profile === 'auto' ? AUTO_ORDER : [profile];
  for (const tried of profiles) {
    const header = headerFor(tried, candidates, profile === 'auto', lines);
    if (header) return header;
  }
  const names = (pick: (profile: SpendProfile) => string[]) => dedupe(profiles.flatMap(pick)).join(', ');
  throw fileError(
    `no header found in the first ${HEADER_SEARCH_LINES} lines: expected a date column (${names((p) => PROFILES[p].columns.date)}) and a cost column (${names((p) => PROFILES[p].columns.cost)})`,
  );
}

function headerFor(profile: SpendProfile, candidates: Array<{ delimiter: Delimiter; rows: Row[] }>, auto: boolean, lines: Lines): Header | undefined {
  for (let line = 1; line <= HEADER_SEARCH_LINES; line += 1) {
    let best: Header | undefined;
    for (const { delimiter, rows } of candidates) {
      const row = rows.find((candidate) => candidate.line === line);
      if (!row) continue;
      const columns = mapColumns(row.cells, profile);
      if (!columns) continue;
      const preamble = preambleOf(rows, line, lines);
      if (auto && !identifies(profile, row.cells, preamble)) continue;
      if (!best || row.cells.length > best.cells.length) best = { profile, delimiter, line, cells: row.cells, columns, preamble };
    }
    if (best) return best;
  }
  return undefined;
}

/** The first lines read with one delimiter, leniently (a title line may hold a stray quote); none if they do not read at all. */
function leadingRows(lines: Lines, delimiter: Delimiter): Row[] {
  try {
    return readRows(lines, delimiter, 1, { toLine: HEADER_SEARCH_LINES, lenient: true });
  } catch {
    return [];
  }
}

/** Lines above the header as text: a single cell (a quoted `"Report Name: …"`) as its value, several as the line was written. */
function preambleOf(rows: Row[], headerLine: number, lines: Lines): string[] {
  const preamble: string[] = [];
  for (let i = 0; i < rows.length && rows[i]!.line < headerLine; i += 1) {
    const row = rows[i]!;
    const filled = row.cells.map((cell) => cell.trim()).filter((cell) => cell !== '');
    if (filled.length === 0) continue;
    if (filled.length === 1) preamble.push(filled[0]!);
    else preamble.push(lines.text(row.line, (rows[i + 1]?.line ?? headerLine) - 1).trim());
  }
  return preamble;
}

function dedupe(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
