import { createHash, randomBytes } from 'node:crypto';
import type { Scope } from './scopes.ts';

/**
 * API keys look like `bk_ingest_<43 base64url characters>` (256 random
 * bits). Only the SHA-256 of a key is stored; a fast hash is enough because
 * the key itself is random, not a password a person chose.
 */
export function generateApiKey(scope: Scope): string {
  // A publishable key looks like the ones payment providers put in pages: pk_…
  return scope === 'publishable' ? `pk_${randomBytes(32).toString('base64url')}` : `bk_${scope}_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A webhook signing secret: 256 random bits, hex, as most providers expect. */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The key in an `Authorization: Bearer <key>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
