/**
 * Known sites by category, after GA4's source categories. A source or
 * referrer host matches a site when one of its dot-separated labels is the
 * site's name ("l.facebook.com", "google.co.uk") or it is one of the exact
 * hosts listed.
 */
export const SITES = {
  search: ['google', 'bing', 'yahoo', 'duckduckgo', 'baidu', 'yandex', 'ecosia', 'naver', 'ask', 'aol', 'seznam', 'startpage', 'qwant', 'sogou', 'daum', 'so', 'search.brave.com', 'msn', 'kagi'],
  social: [
    'facebook',
    'fb',
    'instagram',
    'ig',
    'linkedin',
    'lnkd.in',
    'twitter',
    't.co',
    'x.com',
    'pinterest',
    'reddit',
    'tiktok',
    'snapchat',
    'tumblr',
    'quora',
    'threads',
    'bsky',
    'bluesky',
    'mastodon',
    'vk',
    'weibo',
    'whatsapp',
    'telegram',
    'discord',
    'xing',
  ],
  video: ['youtube', 'youtu.be', 'vimeo', 'twitch', 'dailymotion', 'wistia', 'rumble'],
  shopping: [
    'amazon',
    'ebay',
    'etsy',
    'walmart',
    'aliexpress',
    'alibaba',
    'idealo',
    'pricegrabber',
    'shopzilla',
    'rakuten',
    'mercadolibre',
    'zalando',
    'shopping.google.com',
    'google shopping',
    'igshopping',
    'shopping',
  ],
} as const;

export type SiteCategory = keyof typeof SITES;

const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'ne', 'or']);

/** The host of a URL-ish string, lower-cased, without `www.`; undefined if none. */
export function hostOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim().toLowerCase();
  try {
    return new URL(text.includes('://') ? text : `https://${text}`).hostname.replace(/^www\./, '') || undefined;
  } catch {
    return undefined;
  }
}

/** The site name a source or host stands for ("l.facebook.com" → "facebook"), or the source itself. */
export function siteName(source: string): string {
  const text = source.trim().toLowerCase();
  if (!text.includes('.')) return text;
  const host = hostOf(text) ?? text;
  for (const category of Object.values(SITES)) {
    for (const site of category) if (site.includes('.') && (host === site || host.endsWith(`.${site}`))) return site;
  }
  const labels = host.split('.');
  // google.co.uk → google; news.ycombinator.com → ycombinator
  const registrable = labels.length >= 3 && SECOND_LEVEL.has(labels[labels.length - 2] ?? '') ? labels[labels.length - 3] : labels[labels.length - 2];
  for (const category of Object.values(SITES)) {
    for (const site of category) if (labels.includes(site)) return site;
  }
  return registrable ?? host;
}

export function isSite(source: string | undefined, category: SiteCategory): boolean {
  if (!source) return false;
  const name = siteName(source);
  return (SITES[category] as readonly string[]).includes(name);
}

/**
 * Hosts a shopper comes back from while paying, which must never take the
 * credit as a referral (GA4 calls them "unwanted referrals"): payment
 * gateways, wallets, buy-now-pay-later and hosted checkouts. Each entry
 * matches the host and its subdomains. A tenant's `referrerExclusions`
 * starts from this list and adds its own domains.
 */
export const PAYMENT_REFERRERS = [
  'paypal.com',
  'paypal.me',
  'checkout.stripe.com',
  'hooks.stripe.com',
  'pay.stripe.com',
  'checkout.shopify.com',
  'shop.app',
  'pay.shopify.com',
  'shopifypay.com',
  'klarna.com',
  'afterpay.com',
  'clearpay.co.uk',
  'affirm.com',
  'sezzle.com',
  'zip.co',
  'scalapay.com',
  'adyen.com',
  'mollie.com',
  'payments.amazon.com',
  'payments.amazon.co.uk',
  'payments.amazon.de',
  'pay.amazon.com',
  'pay.google.com',
  'worldpay.com',
  'opayo.co.uk',
  'sagepay.com',
  'payu.com',
  'przelewy24.pl',
  'tpay.com',
  'dotpay.pl',
  'sofort.com',
  'trustly.com',
  'ideal.nl',
  'bancontact.com',
  'authorize.net',
  'braintreegateway.com',
  'squareup.com',
  'checkout.com',
  '3dsecure.io',
  'cardinalcommerce.com',
] as const;

/** Whether a host is one of `excluded` or a subdomain of one. */
export function isExcludedHost(host: string | undefined, excluded: readonly string[]): boolean {
  if (!host) return false;
  return excluded.some((entry) => host === entry || host.endsWith(`.${entry}`));
}
