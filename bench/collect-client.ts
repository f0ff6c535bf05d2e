/**
 * The load generator of the collect bench, in a process of its own so the
 * server's process only serves: `node --import tsx bench/collect-client.ts
 * <base url> <publishable key> <requests> <concurrency> <batch>` sends the
 * requests and prints `{"seconds", "statuses"}` as JSON.
 */
const [url, key, requestsArg, concurrencyArg, batchArg] = process.argv.slice(2);
const ORIGIN = 'https://shop.example';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const requests = Number(requestsArg);
const batch = Number(batchArg);
let sequence = 0;

/** 80 % plain pages, 20 % pages from a campaign (utm, a click id, a search referrer). */
function event() {
  sequence += 1;
  const campaign = sequence % 5 === 0;
  return {
    type: 'page',
    eventId: `bench${process.pid}${String(sequence).padStart(10, '0')}`,
    occurredAt: new Date().toISOString(),
    anonymousId: `visitor-${sequence % 5_000}`,
    url: campaign ? `${ORIGIN}/?utm_source=google&utm_medium=cpc&utm_campaign=c${sequence % 17}&gclid=g${sequence}` : `${ORIGIN}/products/${sequence % 300}`,
    referrer: campaign ? 'https://www.google.com/' : `${ORIGIN}/`,
  };
}

const statuses: Record<number, number> = {};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrencyArg) }, async () => {
    while (next < requests) {
      next += 1;
      const response = await fetch(`${url}/v1/collect`, {
        method: 'POST',
        body: JSON.stringify({ key, events: Array.from({ length: batch }, event) }),
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': CHROME },
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
  }),
);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, statuses }));
