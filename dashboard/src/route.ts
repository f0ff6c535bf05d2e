import { useEffect, useState } from 'preact/hooks';
import { address } from './drill.ts';
import type { Scope } from './types.ts';

/** The views, each for the one scope whose routes it reads. */
export const VIEWS = [
  { name: 'overview', title: 'Overview', scope: 'marketing' },
  { name: 'channels', title: 'Channels & campaigns', scope: 'marketing' },
  { name: 'models', title: 'Models side by side', scope: 'marketing' },
  { name: 'funnel', title: 'Funnel & feedback', scope: 'marketing' },
  { name: 'handoff', title: 'Handoff', scope: 'marketing' },
  { name: 'paths', title: 'Paths', scope: 'marketing' },
  { name: 'cohorts', title: 'Cohorts', scope: 'marketing' },
  { name: 'journey', title: 'Order journey', scope: 'marketing' },
  // Spend files: a marketing key imports, audits and maps; a finance key opening it by address is told it cannot import (Baton's 403), rather than sent elsewhere.
  { name: 'spend', title: 'Spend', scope: 'marketing', byAddress: ['finance'] },
  // The month's export and its closing (SPEC §14): an admin key closes and reopens months there too; a marketing key opening it by address sees the months and the adjustments, without the export or the buttons.
  { name: 'finance', title: 'Finance', scope: 'finance', also: ['admin'], byAddress: ['marketing'] },
] as const satisfies ReadonlyArray<{ name: string; title: string; scope: Scope; also?: readonly Scope[]; byAddress?: readonly Scope[] }>;

export type ViewName = (typeof VIEWS)[number]['name'];
type View = (typeof VIEWS)[number];

/** Whether a view is in a key's navigation: the view's own scope, or another it serves too (`also`). */
function navigates(view: View, scope: Scope): boolean {
  return view.scope === scope || ('also' in view && (view.also as readonly Scope[]).includes(scope));
}

/** The views in a key's navigation. */
export function viewsFor(scope: Scope) {
  return VIEWS.filter((view) => navigates(view, scope));
}

/** The view a key sees at `name`: its own, one it may open by address though not in its navigation, or (neither) undefined. */
export function viewAt(scope: Scope, name: ViewName | undefined): View | undefined {
  return VIEWS.find((view) => view.name === name && (navigates(view, scope) || ('byAddress' in view && (view.byAddress as readonly Scope[]).includes(scope))));
}

/** Where the dashboard is: `#/<view>?from=…&to=…`. Never a key: only what the person chose to look at. */
export interface Route {
  view: ViewName | undefined;
  params: URLSearchParams;
}

function readRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  const view = VIEWS.find((candidate) => candidate.name === path)?.name;
  return { view, params: new URLSearchParams(search) };
}

export function href(view: ViewName, params: URLSearchParams | Record<string, string> = {}): string {
  return address(view, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const changed = () => setRoute(readRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** Moves to a view with these parameters (a history entry, so Back works). */
export function go(view: ViewName, params: URLSearchParams | Record<string, string>): void {
  location.hash = href(view, params);
}
