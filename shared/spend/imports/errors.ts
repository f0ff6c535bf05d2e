/** One bad line of a spend file: its 1-based physical line number in the decoded text (0 = the file as a whole) and why. */
export interface BadLine {
  line: number;
  reason: string;
}

/** Problems listed at most; one more entry then says how many were left out. */
export const MAX_PROBLEMS = 1_000;

/**
 * A spend file that cannot be imported. `problems` names every bad line found (an import is all or
 * nothing, so the whole file is checked before this is thrown), in line order, capped at
 * {@link MAX_PROBLEMS} entries plus one that counts the rest.
 */
export class SpendFileError extends Error {
  override name = 'SpendFileError';
  readonly problems: BadLine[];

  constructor(problems: BadLine[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line);
    const shown = sorted.slice(0, MAX_PROBLEMS);
    const more = sorted.length - shown.length;
    if (more > 0) shown.push({ line: 0, reason: `… and ${more} more bad line${more === 1 ? '' : 's'}` });
    super(summarise(sorted));
    this.problems = shown;
  }
}

function summarise(problems: BadLine[]): string {
  const named = problems.slice(0, 3).map((problem) => (problem.line === 0 ? problem.reason : `line ${problem.line}: ${problem.reason}`));
  if (problems.length <= 1) return named[0] ?? 'the file cannot be read';
  const rest = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return `${problems.length} bad lines: ${named.join('; ')}${rest}`;
}

/** A problem with the file as a whole (line 0). */
export function fileError(reason: string): SpendFileError {
  return new SpendFileError([{ line: 0, reason }]);
}
