import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSecret } from '../tenants/ports.ts';

/** Stripe's (and Baton's generic) tolerance between the signed timestamp and now. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The secrets that verify now: the current one, and the previous one during its rollover. */
export function activeSecrets(secret: WebhookSecret, now: Date): string[] {
  const secrets = [secret.current];
  if (secret.previous && secret.previousValidUntil && Date.parse(secret.previousValidUntil) > now.getTime()) secrets.push(secret.previous);
  return secrets;
}

/** Shopify and WooCommerce: base64 HMAC-SHA256 of the raw body. */
export function verifyBase64Hmac(rawBody: Buffer, header: string | undefined, secrets: string[]): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim(), 'base64');
  return secrets.some((secret) => safeEqual(createHmac('sha256', secret).update(rawBody).digest(), given));
}

/**
 * Stripe's scheme (`t=<unix>,v1=<hex>[,v1=…]`): hex HMAC-SHA256 of
 * `t + "." + body`, accepted within the tolerance of now.
 */
export function verifyTimestampedHmac(rawBody: Buffer, header: string | undefined, secrets: string[], now: Date): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('=') as [string, string | undefined]);
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => Buffer.from(value!, 'hex'));
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  return secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    return signatures.some((signature) => safeEqual(expected, signature));
  });
}

/** Helpers for tests and clients: sign the way each provider does. */
export const sign = {
  base64: (body: string | Buffer, secret: string) => createHmac('sha256', secret).update(body).digest('base64'),
  timestamped: (body: string | Buffer, secret: string, at: Date = new Date()) => {
    const t = Math.floor(at.getTime() / 1000);
    return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
  },
};
