// Baton custom pixel for Shopify (Web Pixels API).
// Paste into Shopify admin → Settings → Customer events → Add custom pixel,
// set the four lines below, then Save and Connect.
const BATON = 'https://<your-baton-api>'; // your Baton API's address, without a trailing slash
const KEY = 'pk_…'; // your tenant's publishable key
const CONSENT_REQUIRED = true; // as your tenant's consentRequired: nothing is sent until the visitor allows analytics
const THEME_SCRIPT = true; // baton.js is in your theme: it reports storefront pages, this pixel only checkout pages

// What it does: `checkout_started` → a `checkout` event with `started: true`
// (the shopper is qualified: with salesTeam false, an abandoned checkout is
// a dropped baton); `checkout_completed` → a `checkout` event that joins the
// order (by its numeric id) to the visitor's anonymous id, so the order
// webhook meets the browser's journey; `page_viewed` → a `page` event (on
// checkout pages only while baton.js runs in the theme, so no view is
// counted twice — abandoned-checkout emails land there with their utm).
// The anonymous id is the theme script's `baton_aid` (cookie, else
// localStorage), else Shopify's clientId. Email and customer id are sent
// only with the visitor's consent to analytics.

let privacy = (typeof init !== 'undefined' && init && init.customerPrivacy) || {};
const waiting = [];

const allowed = () => privacy.analyticsProcessingAllowed === true;
const mayRun = () => !CONSENT_REQUIRED || allowed();
const digits = (id) => {
  const match = /(\d+)\D*$/.exec(id == null ? '' : String(id));
  return match ? match[1] : undefined;
};
const validId = (id) => (typeof id === 'string' && /^[\w-]{8,64}$/.test(id) ? id : undefined);
const randomId = () => (typeof crypto !== 'undefined' && crypto.randomUUID ? crypto.randomUUID() : `px-${Date.now()}-${Math.random().toString(36).slice(2)}`);
const isoTime = (timestamp) => {
  const time = new Date(timestamp);
  return Number.isNaN(time.getTime()) ? new Date().toISOString() : time.toISOString();
};

async function anonymousId(event) {
  let id;
  try {
    id = validId(await browser.cookie.get('baton_aid'));
  } catch {
    id = undefined;
  }
  if (!id) {
    try {
      id = validId(await browser.localStorage.getItem('baton_aid'));
    } catch {
      id = undefined;
    }
  }
  return id || event.clientId;
}

function pageFields(event) {
  const doc = event.context?.document || {};
  return { url: (doc.location?.href || '').slice(0, 4096), referrer: (doc.referrer || '').slice(0, 4096) };
}

/** Builds the events (fields that need consent decided now) and sends them in one request. */
async function deliver(items) {
  const consent = allowed();
  const events = [];
  for (const [event, fields] of items) {
    const { email, customerId, ...always } = fields;
    events.push({
      ...always,
      ...(consent && email ? { email } : {}),
      ...(consent && customerId ? { customerId } : {}),
      eventId: validId(event.id) || randomId(),
      occurredAt: isoTime(event.timestamp),
      anonymousId: await anonymousId(event),
      consent,
    });
  }
  if (!events.length) return;
  await fetch(`${BATON}/v1/collect`, {
    method: 'POST',
    keepalive: true,
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify({ key: KEY, events }),
  }).catch(() => {});
}

function handle(event, fields) {
  if (mayRun()) return deliver([[event, fields]]);
  if (waiting.length < 50) waiting.push([event, fields]);
}

analytics.subscribe('page_viewed', (event) => {
  const fields = pageFields(event);
  const path = event.context?.document?.location?.pathname || '';
  if (THEME_SCRIPT && !/\/checkouts?\/|thank[-_]you/.test(path)) return;
  return handle(event, { type: 'page', ...fields });
});

// A checkout that starts: the shopper is qualified, so a store without a sales team sees abandoned checkouts as dropped batons.
analytics.subscribe('checkout_started', (event) => handle(event, { type: 'checkout', ...pageFields(event), started: true }));

analytics.subscribe('checkout_completed', (event) => {
  const checkout = event.data?.checkout || {};
  const order = checkout.order || {};
  const orderId = digits(order.id);
  if (!orderId) return;
  return handle(event, {
    type: 'checkout',
    ...pageFields(event),
    orderId,
    email: checkout.email || undefined,
    customerId: digits(order.customer?.id),
  });
});

// A custom pixel is given `api.customerPrivacy`; an app pixel's register() hands over `customerPrivacy`.
const privacyApi = (typeof api !== 'undefined' && api && api.customerPrivacy) || (typeof customerPrivacy !== 'undefined' ? customerPrivacy : undefined);
if (privacyApi && typeof privacyApi.subscribe === 'function') {
  privacyApi.subscribe('visitorConsentCollected', (event) => {
    privacy = event?.customerPrivacy || {};
    if (mayRun()) return deliver(waiting.splice(0));
    if (privacy.analyticsProcessingAllowed === false) waiting.length = 0;
  });
}
