import { isClosed, type PeriodsState, postingDay } from '../periods/periods.ts';
import { type ImportedSpendLine, importedLineKey } from './imported.ts';
import { type SpendEntry, spendId } from './spend.ts';

/**
 * Spend of closed months (docs/contract.md#closing-a-month): a figure a
 * re-import or a later report changes for a closed day is not written
 * over the closed one; its difference from what the books hold is posted
 * on the first open month's first day as a restatement of that line, so
 * the closed month's cost (and ROAS) stays as it closed and the change is
 * counted, once, in the first open month.
 */
export interface SpendRestatement {
  /** The first day of the month it is counted in. */
  postedDay: string;
  originalDay: string;
  originalPeriod: string;
  /** The restated line's identity: `i:<imported key>` or `p:<spend id>`. */
  key: string;
  /** The line as last given (an imported line or a posted figure): what the restatement is joined and reported as. */
  imported?: ImportedSpendLine;
  posted?: SpendEntry;
  /** Minor units: the difference posted (all of this line's restatements in this posting month). */
  amount: number;
}

export const restatementKey = (line: { imported: ImportedSpendLine } | { posted: SpendEntry }) => ('imported' in line ? `i:${importedLineKey(line.imported)}` : `p:${spendId(line.posted)}`);

/** What restated lines count as where they are posted: the line dated on its posting day, costing the difference. */
export function restatedSpend(restatements: readonly SpendRestatement[]): { posted: SpendEntry[]; imported: ImportedSpendLine[] } {
  const posted: SpendEntry[] = [];
  const imported: ImportedSpendLine[] = [];
  for (const restatement of restatements) {
    if (restatement.amount === 0) continue;
    if (restatement.imported) imported.push({ ...restatement.imported, day: restatement.postedDay, cost: restatement.amount });
    else if (restatement.posted) posted.push({ ...restatement.posted, day: restatement.postedDay, amount: restatement.amount });
  }
  return { posted, imported };
}

/**
 * Splits incoming lines: those of open days are written as they are; each
 * of a closed day becomes the restatement of its difference from what the
 * books hold (`held`: the closed line's figure plus what was restated since).
 */
export function divertSpend<L extends { imported: ImportedSpendLine } | { posted: SpendEntry }>(
  state: Pick<PeriodsState, 'closedThrough'>,
  incoming: readonly L[],
  held: (key: string) => number,
): { open: L[]; restatements: SpendRestatement[] } {
  const open: L[] = [];
  const restatements: SpendRestatement[] = [];
  const posting = postingDay(state);
  for (const line of incoming) {
    const day = 'imported' in line ? line.imported.day : line.posted.day;
    if (!posting || !isClosed(state, day)) {
      open.push(line);
      continue;
    }
    const key = restatementKey(line);
    const figure = 'imported' in line ? line.imported.cost : line.posted.amount;
    const amount = figure - held(key);
    if (amount !== 0)
      restatements.push({ postedDay: posting, originalDay: day, originalPeriod: day.slice(0, 7), key, amount, ...('imported' in line ? { imported: line.imported } : { posted: line.posted }) });
  }
  return { open, restatements };
}
