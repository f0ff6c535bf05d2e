import { money } from '../format.ts';
import { href } from '../route.ts';
import type { ReportTotals } from '../types.ts';
import { period } from '../view.ts';

/**
 * What a report counts in its spend (and its ROAS) but on none of its rows:
 * imported spend that matched no touch (`unmatchedCost`). Said beside the
 * spend, with the way to the Spend view's audit, so a ROAS never leaves it
 * out silently; nothing when there is none.
 */
export function unmatchedNote(total: ReportTotals, currency: string, params: URLSearchParams, what: string) {
  if (!total.unmatchedCost) return undefined;
  return (
    <span data-unmatched>
      of which {money(total.unmatchedCost, currency)} {what} — <a href={href('spend', period(params))}>see Spend</a>
    </span>
  );
}
