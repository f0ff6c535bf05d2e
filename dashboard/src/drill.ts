/**
 * How deep a view is drilled, in its address: `#/channels?…&key=Paid%20Search&order=shopify-order-1`
 * is the order's journey reached from the Paid Search row. The address is
 * the whole state, so a drilled page can be shared and reopened as it was;
 * the navigation between views leaves these behind.
 *
 * Free of preact and the DOM (so the unit tests, compiled for Node, can
 * import it): views are named by their string.
 *
 * - `day`: an overview day (its orders)
 * - `key`: a row of the view's table (its orders, or in the funnel its people), under the view's `groupBy`
 * - `campaign`: a campaign of the channel `key` names (its orders)
 * - `rep`: a rep of the handoff's sales table (their orders)
 * - `path`: a conversion path, channels joined by ` > ` (`(none)` for the empty path)
 * - `person`: a person's journey (an identifier: `c:…`, `e:…`, `a:…`)
 * - `order`: an order's journey, the deepest level
 */
export const DRILL_PARAMS = ['day', 'key', 'campaign', 'rep', 'path', 'person', 'order'] as const;

/** The empty path's name in the address and a row key: orders with no marketing touch. */
export const NONE = '(none)';
export const PATH_SEPARATOR = ' > ';

/** `#/<view>?<params>`: where the dashboard is. */
export function address(view: string, params: URLSearchParams | Record<string, string> = {}): string {
  const search = new URLSearchParams(params).toString();
  return `#/${view}${search ? `?${search}` : ''}`;
}

/** A path's channels, in order; the empty path (orders with no marketing touch) has none, whether the API writes it `[]`, `[""]` or `""`. */
export function channelsOf(path: readonly string[] | string): string[] {
  return (typeof path === 'string' ? path.split(PATH_SEPARATOR) : [...path]).filter((channel) => channel !== '');
}

/** The address of `view` with the current parameters changed: a value sets one, null removes it. */
export function drillHref(view: string, params: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(params);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) next.delete(name);
    else next.set(name, value);
  }
  return address(view, next);
}

/** The same address with every drill parameter from `from` on removed: the level above it. */
export function upTo(view: string, params: URLSearchParams, from: (typeof DRILL_PARAMS)[number]): string {
  const next = new URLSearchParams(params);
  for (const name of DRILL_PARAMS.slice(DRILL_PARAMS.indexOf(from))) next.delete(name);
  return address(view, next);
}

/** What the drill parameters say now, as one string: it changes whenever the page moves up or down a level. */
export function drillLevel(params: URLSearchParams): string {
  return DRILL_PARAMS.map((name) => params.get(name) ?? '').join('\u0000');
}

const STRENGTH = ['c:', 'e:', 'a:', 'o:', 'x:'];

/** The identifier a listing's person is opened by: the customer id if known, else the email hash, the browser's id, the order a guest bought (`o:`), an erased person's stand-in (`x:`). */
export function personOf(identifiers: readonly string[]): string {
  for (const prefix of STRENGTH) {
    const found = identifiers.find((id) => id.startsWith(prefix));
    if (found) return found;
  }
  return identifiers[0] ?? '';
}

/** A person as the API names them: the customer id if known, else the browser's id, else the email hash shortened, else the order they bought as a guest. */
export function personLabel(identifiers: readonly string[]): string {
  const customer = identifiers.find((id) => id.startsWith('c:'));
  if (customer) return `customer ${customer.slice(2)}`;
  const anonymous = identifiers.find((id) => id.startsWith('a:'));
  if (anonymous) return `visitor ${anonymous.slice(2)}`;
  const email = identifiers.find((id) => id.startsWith('e:'));
  if (email) return `email #${email.slice(2, 10)}`;
  const buyer = identifiers.find((id) => id.startsWith('o:'));
  if (buyer) return `buyer of ${buyer.slice(2)}`;
  return identifiers.some((id) => id.startsWith('x:')) ? 'an erased person' : identifiers.join(', ');
}
