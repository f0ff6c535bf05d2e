/**
 * What a key may do. `publishable` may only collect (docs/contract.md#collection-from-the-storefront): it sits in
 * web pages for anyone to see, so no route but `POST /v1/collect` takes it.
 */
export const SCOPES = ['ingest', 'marketing', 'finance', 'admin', 'publishable'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
