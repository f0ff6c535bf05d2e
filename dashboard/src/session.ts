import { ApiError, getJson } from './api.ts';
import type { Me } from './types.ts';

/**
 * The signed-in key lives in sessionStorage only: it goes when the tab or
 * the browser session ends, is never written to localStorage or a cookie,
 * and never appears in a URL.
 */
const STORAGE_KEY = 'baton.dashboard.key';

export interface Session {
  key: string;
  me: Me;
}

/** The scopes the dashboard has views for: attribution (marketing), the export and closing months (finance), closing and reopening months (admin). */
export const DASHBOARD_SCOPES = ['marketing', 'finance', 'admin'] as const;

export function storedKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: sign in each time
  }
}

/** Checks the key with `GET /v1/me` and keeps it for this browser session. */
export async function signIn(key: string): Promise<Session> {
  const trimmed = key.trim();
  if (!trimmed) throw new ApiError(400, 'empty_key', 'Paste a marketing, finance or admin key.');
  let me: Me;
  try {
    me = await getJson<Me>('/v1/me', trimmed);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403))
      throw new ApiError(error.status, 'unknown_key', 'This key is not valid (unknown, or rotated out). Check it and try again.');
    throw error;
  }
  if (!(DASHBOARD_SCOPES as readonly string[]).includes(me.scope)) {
    throw new ApiError(
      403,
      'wrong_scope',
      `This is an ${me.scope} key. The dashboard needs a marketing key (attribution), a finance key (exports, closing months) or an admin key (closing and reopening months).`,
    );
  }
  try {
    sessionStorage.setItem(STORAGE_KEY, trimmed);
  } catch {
    // storage disabled: the session lasts as long as the page
  }
  return { key: trimmed, me };
}

export function signOut(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
