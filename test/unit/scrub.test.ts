import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, scrubUrl } from '../../shared/identity/identity.ts';
import { normaliseTouch, TouchInputSchema } from '../../shared/recording/touches.ts';
import { TransactionInputSchema, transactionFromInput } from '../../shared/recording/transactions.ts';

const touch = (url: string, utm?: Record<string, string>) =>
  normaliseTouch(TouchInputSchema.parse({ occurredAt: '2026-11-01T10:00:00Z', person: { anonymousId: 'a1' }, kind: 'visit', url, ...(utm ? { utm } : {}) }));

describe('personal data in URLs and the values derived from them', () => {
  it('takes an email out of utm_term, from the URL or the utm object', () => {
    expect(touch('https://shop.example/?utm_source=newsletter&utm_medium=email&utm_term=Jane.Doe@Example.com').term).toBe(REDACTED);
    expect(touch('https://shop.example/', { source: 'crm', medium: 'email', campaign: 'win-back for jane@example.com' }).campaign).toBe(`win-back for ${REDACTED}`);
  });

  it('takes emails out of paths (percent-encoded too), fragments and any query value', () => {
    const scrubbed = scrubUrl('https://shop.example/account/jane%40example.com/orders?ref=x&next=%2Fthanks%3Fe%3Djane%40example.com#jane@example.com');
    expect(scrubbed).not.toMatch(/jane/i);
    expect(scrubbed).toContain('/account/');
    expect(scrubbed).toContain('ref=x');
  });

  it('redacts parameters that are personal whatever they look like, and credentials', () => {
    const scrubbed = scrubUrl('https://bob:secret@shop.example/?phone=%2B49301234567&first_name=Bob&utm_source=google');
    expect(scrubbed).not.toMatch(/bob|secret|4930/i);
    expect(scrubbed).toContain('utm_source=google');
  });

  it('leaves a URL without personal data exactly as it was', () => {
    const url = 'https://shop.example/p/red-shoes?utm_source=google&utm_medium=cpc&gclid=Cj0KCQ';
    expect(scrubUrl(url)).toBe(url);
  });

  it('never stores an email put anywhere in a touch’s URL, referrer or utm values (property)', () => {
    const email = fc
      .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,12}$/), fc.stringMatching(/^[a-z0-9-]{1,10}$/), fc.constantFrom('com', 'de', 'co.uk', 'shop'))
      .map(([user, host, tld]) => `${user}@${host}.${tld}`);
    const place = fc.constantFrom('utm_term', 'utm_campaign', 'gclid', 'path', 'fragment', 'referrer', 'utm_object');
    fc.assert(
      fc.property(email, place, (address, where) => {
        const encoded = where === 'path' ? encodeURIComponent(address) : address;
        const url =
          where === 'path'
            ? `https://shop.example/u/${encoded}/x`
            : where === 'fragment'
              ? `https://shop.example/#${address}`
              : where.startsWith('utm_') && where !== 'utm_object'
                ? `https://shop.example/?utm_source=s&${where}=${encodeURIComponent(address)}`
                : `https://shop.example/?gclid=${encodeURIComponent(address)}`;
        const stored = normaliseTouch(
          TouchInputSchema.parse({
            occurredAt: '2026-11-01T10:00:00Z',
            person: { anonymousId: 'a1' },
            kind: 'visit',
            url,
            ...(where === 'referrer' ? { referrer: `https://mail.example/read?to=${address}` } : {}),
            ...(where === 'utm_object' ? { utm: { source: 'crm', term: address } } : {}),
          }),
        );
        const { contentHash: _hash, ...visible } = stored;
        expect(JSON.stringify(visible).toLowerCase()).not.toContain(address.toLowerCase());
      }),
      { numRuns: 300 },
    );
  });

  it('scrubs a transaction’s landing URL and referrer too', () => {
    const tx = transactionFromInput(
      TransactionInputSchema.parse({
        transactionId: 'o1',
        kind: 'order',
        occurredAt: '2026-11-01T10:00:00Z',
        currency: 'USD',
        gross: '1.00',
        landingUrl: 'https://shop.example/?email=jane@example.com',
        referrer: 'https://mail.example/jane@example.com',
      }),
      'api',
      '2026-11-01T10:00:01.000Z',
    );
    expect(JSON.stringify(tx)).not.toContain('jane');
  });
});
