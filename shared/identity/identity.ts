import { createHash } from 'node:crypto';
import * as z from 'zod';

/**
 * A person is known by identifiers: `a:<anonymousId>`, `c:<customerId>` and
 * `e:<sha256 of the normalised email>`. Raw emails never leave this module.
 */
export type Identifier = `a:${string}` | `c:${string}` | `e:${string}`;

const Id = z.string().trim().min(1).max(256);

export const PersonSchema = z
  .object({
    anonymousId: Id.optional(),
    customerId: Id.optional(),
    email: z.string().trim().max(320).regex(/^[^@\s]+@[^@\s]+$/, 'not an email address').optional(),
  })
  .strict()
  .refine((person) => person.anonymousId || person.customerId || person.email, { message: 'give at least one of anonymousId, customerId, email' });

export type PersonInput = z.infer<typeof PersonSchema>;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function hashEmail(email: string): string {
  return createHash('sha256').update(normaliseEmail(email), 'utf8').digest('hex');
}

/** The person's identifiers, strongest first: customer id, email hash, anonymous id. */
export function identifiersOf(person: PersonInput): Identifier[] {
  const ids: Identifier[] = [];
  if (person.customerId) ids.push(`c:${person.customerId}`);
  if (person.email) ids.push(`e:${hashEmail(person.email)}`);
  if (person.anonymousId) ids.push(`a:${person.anonymousId}`);
  return ids;
}

/** Looks like an email address anywhere in the text. */
export const EMAIL_LIKE = /[^\s@/?&=#]+@[^\s@/?&=#]+\.[a-z]{2,}/i;

/** A URL with every query value that looks like an email address removed. */
export function scrubUrl(url: string): string {
  try {
    const parsed = new URL(url);
    let changed = false;
    for (const [name, value] of [...parsed.searchParams]) {
      if (EMAIL_LIKE.test(value)) {
        parsed.searchParams.set(name, '[redacted]');
        changed = true;
      }
    }
    return changed ? parsed.toString() : url;
  } catch {
    return EMAIL_LIKE.test(url) ? url.replace(new RegExp(EMAIL_LIKE.source, 'gi'), '[redacted]') : url;
  }
}
