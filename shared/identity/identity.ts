import { createHash } from 'node:crypto';
import * as z from 'zod';

/**
 * A person is known by identifiers: `a:<anonymousId>`, `c:<customerId>` and
 * `e:<sha256 of the normalised email>`. Raw emails never leave this module.
 * An order with nobody known (a walk-in sale, a guest checkout without
 * email) stands for its buyer as `o:<transactionId>`, so a browser's
 * checkout can later be linked to it like any other id.
 */
/** `x:` names the anonymous holder of an erased person's transactions (docs/contract.md#privacy-and-the-data-lifecycle). */
export type Identifier = `a:${string}` | `c:${string}` | `e:${string}` | `o:${string}` | `x:${string}`;

/** An identifier as stored: its kind's letter, a colon, and the id (never empty). */
export const IdentifierSchema = z.custom<Identifier>((value) => typeof value === 'string' && /^[aceox]:[\s\S]+$/.test(value), 'not an identifier (a:, c:, e:, o: or x: and an id)');

/** The buyer of an order with nobody known. */
export const orderBuyer = (transactionId: string): Identifier => `o:${transactionId}`;

const Id = z.string().trim().min(1).max(256);

/** An email address as people type it: trimmed, up to 320 characters, something@something. */
export const EmailSchema = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^@\s]+@[^@\s]+$/, 'not an email address');

const personFields = {
  anonymousId: Id.optional(),
  customerId: Id.optional(),
  email: EmailSchema.optional(),
};

export const PersonSchema = z
  .object(personFields)
  .strict()
  .refine((person) => person.anonymousId || person.customerId || person.email, { message: 'give at least one of anonymousId, customerId, email' });

/** A person to read: as PersonSchema, or by an identifier a listing gave (`person`: `c:…`, `e:<hash>`, `a:…`, `o:…`). */
export const PersonLookupSchema = z
  .object({
    ...personFields,
    person: z
      .string()
      .max(600)
      .regex(/^[aceox]:[\s\S]+$/, 'an identifier as listings give it (c:, e:, a:, o: or x: and an id)')
      .transform((value) => value as Identifier)
      .optional(),
  })
  .strict()
  .refine((person) => person.anonymousId || person.customerId || person.email || person.person, { message: 'give at least one of anonymousId, customerId, email, person' });

export type PersonInput = z.infer<typeof PersonSchema>;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function hashEmail(email: string): string {
  return createHash('sha256').update(normaliseEmail(email), 'utf8').digest('hex');
}

/** The person's identifiers, strongest first: customer id, email hash, anonymous id. */
export function identifiersOf(person: PersonInput & { person?: Identifier }): Identifier[] {
  const ids: Identifier[] = person.person ? [person.person] : [];
  if (person.customerId) ids.push(`c:${person.customerId}`);
  if (person.email) ids.push(`e:${hashEmail(person.email)}`);
  if (person.anonymousId) ids.push(`a:${person.anonymousId}`);
  return ids;
}

/** Looks like an email address anywhere in the text. */
export const EMAIL_LIKE = /[^\s@/?&=#:;,'"<>()]+@[^\s@/?&=#:;,'"<>()]+\.[a-z]{2,}/gi;

/** What replaces personal data that arrives inside a URL or a value derived from one. */
export const REDACTED = '[redacted]';

/**
 * Query parameters whose value is personal or secret whatever it looks like
 * (a phone number or a name does not look like anything in particular).
 */
const PERSONAL_PARAMETERS = new Set([
  'email',
  'e-mail',
  'mail',
  'email_address',
  'emailaddress',
  'customer_email',
  'user_email',
  'phone',
  'phone_number',
  'phonenumber',
  'tel',
  'telephone',
  'mobile',
  'first_name',
  'firstname',
  'fname',
  'last_name',
  'lastname',
  'lname',
  'full_name',
  'fullname',
  'address',
  'street',
  'zip',
  'zipcode',
  'postcode',
  'postal_code',
  'birthdate',
  'dob',
  'ssn',
  'password',
  'passwd',
  'pwd',
  'token',
  'access_token',
  'id_token',
  'auth',
]);

/** `text` with every email-like run replaced. */
export function scrubText(text: string): string {
  return text.replace(EMAIL_LIKE, REDACTED);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A URL with personal data taken out wherever it can hide: credentials,
 * the values of personal parameters, and email-like text in any query
 * value, path segment or fragment (percent-encoded or not). Anything that
 * does not parse as a URL is scrubbed as text.
 */
export function scrubUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return scrubText(decoded(url)) === decoded(url) ? url : scrubText(decoded(url));
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
    changed = true;
  }
  // Raw pairs, so an address is found whether its "+" means a plus or a space.
  const pairs = parsed.search.slice(1).split('&').filter(Boolean);
  const kept = pairs.map((pair) => {
    const [rawName = '', rawValue = ''] = pair.split(/=(.*)/s);
    const name = decoded(rawName.replace(/\+/g, ' ')).toLowerCase();
    const personal = PERSONAL_PARAMETERS.has(name) || [decoded(rawValue), decoded(rawValue.replace(/\+/g, ' '))].some((value) => scrubText(value) !== value);
    return personal ? `${rawName}=${encodeURIComponent(REDACTED)}` : pair;
  });
  if (kept.some((pair, i) => pair !== pairs[i])) {
    parsed.search = kept.join('&');
    changed = true;
  }
  const path = parsed.pathname
    .split('/')
    .map((segment) => (scrubText(decoded(segment)) !== decoded(segment) ? REDACTED : segment))
    .join('/');
  if (path !== parsed.pathname) {
    parsed.pathname = path;
    changed = true;
  }
  if (parsed.hash && scrubText(decoded(parsed.hash)) !== decoded(parsed.hash)) {
    parsed.hash = REDACTED;
    changed = true;
  }
  return changed ? parsed.toString() : url;
}
