/**
 * What `npm run dead-letters -- list` shows of a letter, from the file or
 * from the queue alike, and what `redrive` reports of each.
 */
export interface LetterRow {
  id: string;
  /** ISO-8601, or empty when unknown. */
  at: string;
  /** `event`, `stream`, and on AWS `async-invoke` or `unknown`. */
  kind: string;
  rule: string;
  target: string;
  detailType: string;
  tenant: string;
  attempts: number | undefined;
  error: string;
}

export interface RedriveOutcome {
  id: string;
  ok: boolean;
  /** What was delivered or published (ok), or why the letter stays (not ok). */
  message: string;
}

/** The ids asked for, each resolved to one letter: its full id or a prefix only it starts with. */
export function resolveIds(asked: readonly string[], ids: readonly string[]): { found: Set<string>; problems: string[] } {
  const found = new Set<string>();
  const problems: string[] = [];
  for (const wanted of asked) {
    if (ids.includes(wanted)) {
      found.add(wanted);
      continue;
    }
    const matches = ids.filter((id) => id.startsWith(wanted));
    if (matches.length === 1) found.add(matches[0]!);
    else if (matches.length === 0) problems.push(`No dead letter has the id "${wanted}".`);
    else problems.push(`"${wanted}" starts ${matches.length} ids (${matches.slice(0, 3).join(', ')}…): give more of it.`);
  }
  return { found, problems };
}

export function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => (count > 1 ? `${value} ×${count}` : value)).join(', ');
}

function cell(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** A plain-text table, one letter a line; long cells are cut (`--json` has them whole). */
export function renderTable(rows: readonly LetterRow[], source: string): string {
  if (rows.length === 0) return `No dead letters in ${source}.`;
  const header = ['id', 'when', 'rule → target', 'detail-type', 'tenant', 'attempts', 'error'];
  const limits = [36, 24, 32, 40, 24, 8, 60];
  const body = rows.map((row) =>
    [row.id, row.at || '—', `${row.rule} → ${row.target}`, row.detailType || '—', row.tenant || '—', row.attempts === undefined ? '—' : String(row.attempts), row.error || '—'].map((text, index) =>
      cell(text, limits[index]!),
    ),
  );
  const widths = header.map((title, index) => Math.max(title.length, ...body.map((line) => line[index]!.length)));
  const format = (line: string[]) =>
    line
      .map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...body.map(format), '', `${rows.length} dead letter${rows.length === 1 ? '' : 's'} in ${source}.`].join('\n');
}
