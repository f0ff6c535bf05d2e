import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { channelsOf, drillHref, drillLevel, personLabel, personOf, upTo } from '../../dashboard/src/drill.ts';
import { merged } from '../../dashboard/src/listing.ts';
import { buildDashboard } from '../../scripts/build.ts';

describe('the dashboard build (npm run build)', () => {
  it('makes a page, one hashed script and one hashed stylesheet, with everything bundled (no CDN, no external import)', () => {
    const { files, gzipBytes } = buildDashboard();
    expect(files.map((file) => file.path)).toEqual(['/index.html', expect.stringMatching(/^\/assets\/app-[A-Z0-9]+\.js$/), expect.stringMatching(/^\/assets\/app-[A-Z0-9]+\.css$/)]);
    const [page, script, style] = files.map((file) => Buffer.from(file.body).toString('utf8')) as [string, string, string];
    expect(page).toContain(`src="${files[1]!.path}"`);
    expect(page).toContain(`href="${files[2]!.path}"`);
    expect(script).not.toMatch(/^import|[;}]import[\s{*"']|\bimport\(/); // one module: nothing left to fetch
    expect(script).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // the SVG namespace is the only URL
    expect(style).toContain('.u-legend'); // uPlot's stylesheet is bundled too
    expect(gzipBytes).toBe(gzipSync(files[1]!.body).length + gzipSync(files[2]!.body).length);
    expect(files[0]!.immutable).toBe(false);
    expect(files.slice(1).every((file) => file.immutable)).toBe(true);
  });
});

describe('the dashboard’s drill-down, in its address', () => {
  it('goes down a level by adding a parameter and back up by removing it and every level below', () => {
    const params = new URLSearchParams({ from: '2026-11-01', to: '2026-11-30', groupBy: 'campaign', key: 'brand search', order: 'shopify-order-1' });
    expect(drillHref('channels', params, { key: 'spring', order: null })).toBe('#/channels?from=2026-11-01&to=2026-11-30&groupBy=campaign&key=spring');
    expect(upTo('channels', params, 'order')).toBe('#/channels?from=2026-11-01&to=2026-11-30&groupBy=campaign&key=brand+search');
    expect(upTo('channels', params, 'key')).toBe('#/channels?from=2026-11-01&to=2026-11-30&groupBy=campaign');
    expect(drillLevel(params)).not.toBe(drillLevel(new URLSearchParams(upTo('channels', params, 'order').split('?')[1])));
  });

  it('opens a person by their strongest identifier and names them by what a marketer recognises', () => {
    expect(personOf(['a:browser-1', 'e:abc', 'c:42'])).toBe('c:42');
    expect(personOf(['a:browser-1', 'e:abc'])).toBe('e:abc');
    expect(personOf(['o:shopify-order-7'])).toBe('o:shopify-order-7');
    expect(personLabel(['a:browser-1', 'e:abcdef0123456789', 'c:42'])).toBe('customer 42');
    expect(personLabel(['e:abcdef0123456789'])).toBe('email #abcdef01');
    expect(personLabel(['o:shopify-order-7'])).toBe('buyer of shopify-order-7');
  });

  it('reads the empty path (an order with no marketing touch) however the API writes it', () => {
    expect(channelsOf([])).toEqual([]);
    expect(channelsOf([''])).toEqual([]);
    expect(channelsOf('')).toEqual([]);
    expect(channelsOf(['Paid Search', 'Email'])).toEqual(['Paid Search', 'Email']);
    expect(channelsOf('Paid Search > Email')).toEqual(['Paid Search', 'Email']);
  });

  it('merges paged listings newest first, holding back what a listing’s next page could still come before', () => {
    const at = (item: string) => item;
    // One listing: its page as it is.
    expect(merged([{ items: ['09', '05', '01'], cursor: 'next' }], at)).toEqual(['09', '05', '01']);
    // Two: the web orders' next page may hold an order between 04 and 01, so 03 and 02 wait for it.
    expect(
      merged(
        [
          { items: ['09', '04'], cursor: 'more' },
          { items: ['08', '03', '02'], cursor: undefined },
        ],
        at,
      ),
    ).toEqual(['09', '08', '04']);
    expect(
      merged(
        [
          { items: ['09', '04', '01'], cursor: undefined },
          { items: ['08', '03', '02'], cursor: undefined },
        ],
        at,
      ),
    ).toEqual(['09', '08', '04', '03', '02', '01']);
  });
});
