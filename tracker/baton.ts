/**
 * Baton's browser tracker, served by `GET /v1/baton.js` (docs/contract.md#collection-from-the-storefront).
 *
 * Keeps a first-party anonymous id (cookie `baton_aid`, with a localStorage
 * copy that restores it when Safari expires script-set cookies), sends a
 * `page` event for every page view, and `identify` / `checkout` events when
 * the site calls `baton.identify()` / `baton.checkout()`. Events are batched
 * (at most 50 a request) and sent as `text/plain` with `navigator.sendBeacon`
 * (so no CORS preflight), shortly after they happen and when the page is
 * hidden or left.
 *
 * Consent: when the tenant requires it, nothing is sent and nothing is
 * written to the cookie or localStorage until `baton.consent(true)`. A page
 * that carries a campaign signal (utm_*, a click id, an external referrer)
 * is kept in sessionStorage meanwhile, without any identifier, so the
 * landing is still reported — with its own URL, referrer and time — when
 * consent comes on a later page of the session; `baton.consent(false)` drops
 * it. The decision is per page: call `baton.consent()` on every page once
 * your consent tool knows the visitor's choice.
 *
 * Settings come from `window.__batonSettings` (the line the server puts
 * before this script), else from the script tag's `data-key` and
 * `data-consent-required` attributes. The collect endpoint is this script's
 * own origin + `/v1/collect`.
 *
 * Plain TypeScript with no dependencies: esbuild makes it a small IIFE
 * (`npm run build`, `scripts/build.ts`).
 */

type EventType = 'page' | 'identify' | 'checkout';

interface BatonEvent {
  type: EventType;
  eventId: string;
  occurredAt: string;
  anonymousId?: string;
  url: string;
  referrer: string;
  consent?: boolean;
  customerId?: string;
  email?: string;
  orderId?: string;
  started?: boolean;
}

interface Traits {
  customerId?: string | number | null;
  email?: string | null;
}

/** What `window.baton` offers once the script has loaded. */
interface BatonApi {
  identify(traits: Traits): void;
  /** The order this browser checked out; `{ started: true }` when the checkout only started (the order may not exist yet). */
  checkout(orderId?: string | number | null, options?: { started?: boolean }): void;
  consent(granted: boolean): void;
  anonymousId(): string | null;
  ready(callback: () => void): void;
}

/** The page's stub (`window.baton = window.baton || { q: [] }`): calls made before this script loaded. */
interface BatonStub {
  q?: Array<[string, ArrayLike<unknown>]>;
  anonymousId?: unknown;
}

type BatonWindow = Window & {
  __batonSettings?: { key?: string; consentRequired?: boolean };
  baton?: BatonStub | BatonApi;
  Shopify?: { shop?: string; routes?: { root?: string } };
};

const ID_NAME = 'baton_aid';
const PENDING = 'baton_pending';
const CART = 'baton_cart';
/** When this session first landed from a campaign: the cart carries it too, so the order's landing visit keeps its time. */
const LANDED = 'baton_landed';
const ID_MAX_AGE_S = 400 * 86400;
const BATCH = 50;
/** sendBeacon and keepalive fetch share a 64 KiB budget; stay under it (bytes of UTF-8). */
const MAX_BODY = 60000;
const FLUSH_DELAY_MS = 1000;
const MAX_PENDING = 10;
/** The collector keeps URLs up to this length; a longer one is cut rather than the event refused. */
const MAX_URL = 4096;
const TEXT = 'text/plain;charset=UTF-8';
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id'];

(() => {
  const w = window as BatonWindow;
  const d = document;
  const loc = location;
  const stub = w.baton as BatonStub | undefined;
  if (stub && typeof stub.anonymousId === 'function') return; // loaded twice

  const script = (d.currentScript || d.querySelector('script[src*="/baton.js"]')) as HTMLScriptElement | null;
  const attr = (name: string) => (script ? script.getAttribute(name) : null);
  // The server's settings line, when there is one, decides alone: an empty key there (an unknown or retired key) sends nothing.
  const settings = w.__batonSettings;
  const src = new URL(script ? script.src : '/', loc.href);
  const key = (settings ? settings.key : attr('data-key') || src.searchParams.get('key')) || '';
  const consentAttr = attr('data-consent-required');
  const required = settings ? settings.consentRequired !== false : consentAttr != null && consentAttr !== 'false';
  const endpoint = `${src.origin}/v1/collect`;

  let consent: boolean | undefined;
  let aid: string | undefined;
  let pageOnlyId: string | undefined;
  let queue: BatonEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  // ---- storage: every access guarded (private modes and blocked storage throw)

  const read = (area: 'localStorage' | 'sessionStorage', name: string): string | null => {
    try {
      return w[area].getItem(name);
    } catch {
      return null;
    }
  };
  const write = (area: 'localStorage' | 'sessionStorage', name: string, value: string | null) => {
    try {
      if (value == null) w[area].removeItem(name);
      else w[area].setItem(name, value);
    } catch {
      /* storage unavailable: the id lives for this page only */
    }
  };
  /** Only our own cookie is looked at. */
  const readCookie = () => {
    const match = /(?:^|;\s*)baton_aid=([^;]*)/.exec(d.cookie);
    return match ? match[1] : null;
  };
  const writeCookie = (value: string, maxAge: number) => {
    d.cookie = `${ID_NAME}=${value};path=/;max-age=${maxAge};SameSite=Lax${loc.protocol === 'https:' ? ';Secure' : ''}`;
  };
  const valid = (id: string | null | undefined) => (id && /^[\w-]{8,64}$/.test(id) ? id : undefined);

  const uuid = (): string => {
    const c = w.crypto;
    if (c?.randomUUID) return c.randomUUID();
    const b = new Uint8Array(16);
    if (c?.getRandomValues) c.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
    b[6] = (b[6]! & 15) | 64;
    b[8] = (b[8]! & 63) | 128;
    const hex = Array.prototype.map.call(b, (x: number) => (x + 256).toString(16).slice(1)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  // ---- consent

  const canSend = () => consent === true || !required;
  const canStore = () => consent === true || (!required && consent !== false);

  /** The Shopify cart carries the id to the order's note_attributes (once per session; '' clears it). */
  const cart = (value: string) => {
    const shopify = w.Shopify;
    if (!shopify?.shop || read('sessionStorage', CART) === value || (!value && !read('sessionStorage', CART))) return;
    fetch(`${shopify.routes?.root || '/'}cart/update.js`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ attributes: { _baton_aid: value, _baton_landed_at: (value && read('sessionStorage', LANDED)) || '' } }),
    })
      .then((response) => response.ok && write('sessionStorage', CART, value || null))
      .catch(() => {});
  };

  /** The id events carry: the stored one when allowed (read, else made; written back to both stores), else one for this page only. */
  const id = (): string | undefined => {
    if (canStore()) {
      if (!aid) {
        aid = valid(readCookie()) || valid(read('localStorage', ID_NAME)) || uuid();
        writeCookie(aid, ID_MAX_AGE_S);
        write('localStorage', ID_NAME, aid);
        cart(aid);
      }
      return aid;
    }
    return canSend() ? (pageOnlyId = pageOnlyId || uuid()) : undefined;
  };

  const forget = () => {
    aid = undefined;
    writeCookie('', 0);
    write('localStorage', ID_NAME, null);
    write('sessionStorage', PENDING, null);
    cart('');
  };

  const pending = (): BatonEvent[] => {
    try {
      const list = JSON.parse(read('sessionStorage', PENDING) || '[]');
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  };

  // ---- events and sending

  const event = (type: EventType, extra?: Partial<BatonEvent>): BatonEvent => ({
    type,
    eventId: uuid(),
    occurredAt: new Date().toISOString(),
    url: loc.href.slice(0, MAX_URL),
    referrer: d.referrer.slice(0, MAX_URL),
    ...extra,
  });

  const bytes = (text: string) => new Blob([text]).size;

  const send = (body: string) => {
    try {
      if (navigator.sendBeacon?.(endpoint, new Blob([body], { type: TEXT }))) return;
    } catch {
      /* fall through to fetch */
    }
    fetch(endpoint, { method: 'POST', keepalive: bytes(body) < MAX_BODY, body, headers: { 'content-type': TEXT }, credentials: 'omit' }).catch(() => {});
  };

  /** Sends the queue in requests of at most 50 events and under the beacon's size budget. */
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!key || !canSend() || !queue.length) return;
    const anonymousId = id();
    const events = queue.splice(0).map((e) => ({ ...e, anonymousId, ...(consent == null ? {} : { consent }) }));
    while (events.length) {
      let n = Math.min(events.length, BATCH);
      let body = '';
      while (bytes((body = JSON.stringify({ key, events: events.slice(0, n) }))) > MAX_BODY && n > 1) n = Math.ceil(n / 2);
      events.splice(0, n);
      send(body);
    }
  };

  const schedule = () => {
    if (timer === undefined) timer = setTimeout(flush, FLUSH_DELAY_MS);
  };

  const track = (e: BatonEvent) => {
    if (consent === false && (required || e.type === 'identify')) return;
    queue.push(e);
    schedule();
  };

  const isLanding = () => {
    let signal = false;
    new URLSearchParams(loc.search).forEach((_, name) => {
      name = name.toLowerCase();
      if (name.indexOf('utm_') === 0 || CLICK_IDS.indexOf(name) >= 0) signal = true;
    });
    try {
      return signal || (!!d.referrer && new URL(d.referrer).hostname !== loc.hostname);
    } catch {
      return signal;
    }
  };

  // ---- the public API

  const api: BatonApi = {
    identify(traits) {
      const extra: Partial<BatonEvent> = {};
      if (traits && traits.customerId != null && traits.customerId !== '') extra.customerId = String(traits.customerId);
      const email = traits?.email ? String(traits.email).trim() : '';
      if (/^[^@\s]+@[^@\s]+$/.test(email)) extra.email = email;
      if (extra.customerId || extra.email) track(event('identify', extra));
    },
    checkout(orderId, options) {
      const extra: Partial<BatonEvent> = orderId != null && orderId !== '' ? { orderId: String(orderId) } : {};
      if (options?.started) extra.started = true;
      if (extra.orderId || extra.started) track(event('checkout', extra));
    },
    consent(granted) {
      consent = !!granted;
      if (consent) {
        queue = pending().concat(queue);
        write('sessionStorage', PENDING, null);
        id();
        schedule();
      } else {
        queue = required ? [] : queue.filter((e) => e.type !== 'identify');
        forget();
      }
    },
    anonymousId() {
      return canStore() ? id() || null : null;
    },
    ready(callback) {
      try {
        callback();
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    },
  };
  w.baton = api;

  // This page view: held in sessionStorage (no identifiers) when it is a landing that awaits consent.
  const page = event('page');
  if (isLanding() && !read('sessionStorage', LANDED)) write('sessionStorage', LANDED, page.occurredAt);
  if (required && isLanding()) {
    const list = pending();
    if (list.length < MAX_PENDING) write('sessionStorage', PENDING, JSON.stringify(list.concat(page)));
  } else queue.push(page);

  for (const [name, args] of stub?.q || []) {
    if (!Object.prototype.hasOwnProperty.call(api, name)) continue;
    (api[name as keyof BatonApi] as (...a: unknown[]) => unknown).apply(api, Array.prototype.slice.call(args));
  }

  // A headless browser names itself in its user agent and Baton drops its events as a bot's: say so where a developer looks.
  if (/headless/i.test(navigator.userAgent))
    console.warn(
      `Baton: this browser's user agent says it is headless (${navigator.userAgent}), so its events are dropped as a bot's. Test with a desktop user agent; POST /v1/collect?debug=true says why each event was dropped.`,
    );
  if (canStore()) id();
  schedule();
  addEventListener('pagehide', flush);
  d.addEventListener('visibilitychange', () => d.visibilityState === 'hidden' && flush());
})();
