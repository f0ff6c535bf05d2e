import { describe, expect, it } from 'vitest';
import { deriveChannel } from '../../shared/channels/channels.ts';
import { channelInputOf, type TouchInput } from '../../shared/recording/touches.ts';

type Case = [name: string, touch: Partial<Pick<TouchInput, 'utm' | 'url' | 'referrer' | 'kind'>>, channel: string];
const utm = (source?: string, medium?: string, campaign?: string) => ({ utm: { source, medium, campaign } });
const url = (query: string) => ({ url: `https://shop.example/landing?${query}` });

// Real-world sources and mediums as ad platforms, email tools and browsers send them.
const cases: Case[] = [
  ['nothing at all', {}, 'Direct'],
  ['(direct) / (none)', utm('(direct)', '(none)'), 'Direct'],
  ['a store page referring to itself', { url: 'https://shop.example/a', referrer: 'https://shop.example/b' }, 'Direct'],
  ['Google Ads cpc', utm('google', 'cpc', 'brand'), 'Paid Search'],
  ['Google Ads by gclid only', url('gclid=EAIaIQ'), 'Paid Search'],
  ['gbraid (iOS) only', url('gbraid=0AAAA'), 'Paid Search'],
  ['wbraid only', url('wbraid=CjkKCQ'), 'Paid Search'],
  ['Microsoft Ads by msclkid', url('msclkid=abc123'), 'Paid Search'],
  ['Bing ppc', utm('bing', 'ppc'), 'Paid Search'],
  ['Yahoo paidsearch', utm('yahoo', 'paidsearch'), 'Paid Search'],
  ['DuckDuckGo cpc, odd casing', utm('DuckDuckGo', 'CPC'), 'Paid Search'],
  ['google.com host as source with cpc', utm('www.google.com', 'cpc'), 'Paid Search'],
  ['Baidu retargeting', utm('baidu', 'retargeting'), 'Paid Search'],
  ['Facebook paid social', utm('facebook', 'paid_social'), 'Paid Social'],
  ['fb cpc', utm('fb', 'cpc'), 'Paid Social'],
  ['Instagram paid', utm('instagram', 'paid'), 'Paid Social'],
  ['LinkedIn cpc', utm('linkedin', 'cpc'), 'Paid Social'],
  ['TikTok by ttclid only', url('ttclid=E.C.P.abc'), 'Paid Social'],
  ['LinkedIn by li_fat_id only', url('li_fat_id=1234-abcd'), 'Paid Social'],
  ['Pinterest paid social', utm('pinterest', 'paidsocial'), 'Paid Social'],
  ['Reddit cpm (paid before display)', utm('reddit', 'cpm'), 'Paid Social'],
  ['YouTube cpv', utm('youtube', 'cpv'), 'Paid Video'],
  ['Vimeo paid', utm('vimeo', 'paid-video'), 'Paid Video'],
  ['Display banner', utm('gdn', 'banner'), 'Display'],
  ['Display medium', utm('criteo', 'display'), 'Display'],
  ['Interstitial', utm('adnetwork', 'interstitial'), 'Display'],
  ['Amazon paid shopping', utm('amazon', 'cpc'), 'Paid Shopping'],
  ['Shopping campaign on google cpc', utm('google', 'cpc', 'summer-shopping'), 'Paid Shopping'],
  ['eBay organic listing', utm('ebay', 'listing'), 'Organic Shopping'],
  ['Etsy referral', { referrer: 'https://www.etsy.com/shop/x' }, 'Organic Shopping'],
  ['Performance Max', utm('google', 'cpc', 'pmax-all-products'), 'Cross-network'],
  ['cross-network campaign', utm('google', 'cpc', 'Cross-Network Q4'), 'Cross-network'],
  ['Facebook referrer', { referrer: 'https://l.facebook.com/l.php?u=x' }, 'Organic Social'],
  ['Instagram referrer', { referrer: 'https://www.instagram.com/' }, 'Organic Social'],
  ['t.co referrer', { referrer: 'https://t.co/abc' }, 'Organic Social'],
  ['LinkedIn lnkd.in', { referrer: 'https://lnkd.in/xyz' }, 'Organic Social'],
  ['Reddit referrer', { referrer: 'https://old.reddit.com/r/x' }, 'Organic Social'],
  ['fbclid without utm', url('fbclid=IwAR0abc'), 'Organic Social'],
  ['medium social', utm('newsletter-partner', 'social'), 'Organic Social'],
  ['medium sm', utm('someone', 'sm'), 'Organic Social'],
  ['social kind without utm', { kind: 'social' }, 'Organic Social'],
  ['YouTube referrer', { referrer: 'https://m.youtube.com/watch?v=1' }, 'Organic Video'],
  ['youtu.be', { referrer: 'https://youtu.be/abc' }, 'Organic Video'],
  ['medium video', utm('podcastsite', 'video'), 'Organic Video'],
  ['Google organic referrer', { referrer: 'https://www.google.com/' }, 'Organic Search'],
  ['google.co.uk referrer', { referrer: 'https://www.google.co.uk/' }, 'Organic Search'],
  ['Bing referrer', { referrer: 'https://www.bing.com/search?q=x' }, 'Organic Search'],
  ['DuckDuckGo referrer', { referrer: 'https://duckduckgo.com/' }, 'Organic Search'],
  ['Ecosia referrer', { referrer: 'https://www.ecosia.org/' }, 'Organic Search'],
  ['medium organic', utm('somewhere', 'organic'), 'Organic Search'],
  ['blog referrer', { referrer: 'https://blog.example.org/post' }, 'Referral'],
  ['news site referrer', { referrer: 'https://news.ycombinator.com/item?id=1' }, 'Referral'],
  ['medium referral', utm('partner-blog', 'referral'), 'Referral'],
  ['medium link', utm('forum', 'link'), 'Referral'],
  ['referral kind', { kind: 'referral' }, 'Referral'],
  ['Mailchimp email', utm('mailchimp', 'email', 'black-friday'), 'Email'],
  ['Klaviyo newsletter, odd case', utm('Klaviyo', 'EMAIL'), 'Email'],
  ['source e-mail', utm('e-mail', 'blast'), 'Email'],
  ['email kind without utm', { kind: 'email_click' }, 'Email'],
  ['utm in url query', url('utm_source=newsletter&utm_medium=email&utm_campaign=nov'), 'Email'],
  ['affiliate', utm('awin', 'affiliate'), 'Affiliates'],
  ['partner medium', utm('impact', 'partner'), 'Affiliates'],
  ['sms source', utm('sms', 'text'), 'SMS'],
  ['sms medium', utm('attentive', 'sms'), 'SMS'],
  ['sms kind', { kind: 'sms_click' }, 'SMS'],
  ['empty utm strings', utm('', '', ''), 'Direct'],
  ['whitespace utm', utm('  ', '  '), 'Direct'],
  ['unknown source and medium', utm('mystery', 'thing'), 'Unassigned'],
  ['paid on unknown source (GA4: Paid Other)', utm('mystery', 'cpc'), 'Unassigned'],
  ['campaign only', utm(undefined, undefined, 'spring'), 'Unassigned'],
  ['garbage url', { url: 'not a url at all %%%' }, 'Direct'],
];

describe('channel derivation (GA4 default channel group)', () => {
  it('has at least 60 cases', () => expect(cases.length).toBeGreaterThanOrEqual(60));

  it.each(cases)('%s → %s', (_name, touch, channel) => {
    expect(deriveChannel(channelInputOf({ kind: 'visit', ...touch }))).toBe(channel);
  });

  it('tries the tenant’s rules first', () => {
    const rules = [{ channel: 'Partners', when: [{ field: 'source' as const, op: 'equals' as const, values: ['Awin'] }] }];
    expect(deriveChannel(channelInputOf({ kind: 'visit', ...utm('awin', 'affiliate') }), rules)).toBe('Partners');
    expect(deriveChannel(channelInputOf({ kind: 'visit', ...utm('impact', 'affiliate') }), rules)).toBe('Affiliates');
  });
});

describe('a paid click id without utm', () => {
  it('outranks the search page it came through: a gclid from google.com is google / cpc, Paid Search (fbclid still yields to the referrer)', () => {
    const gclid = channelInputOf({ kind: 'click', url: 'https://shop.example/tents?gclid=Cj0KCQ', referrer: 'https://www.google.com/' });
    expect(gclid).toMatchObject({ source: 'google', medium: 'cpc' });
    expect(deriveChannel(gclid)).toBe('Paid Search');
    expect(channelInputOf({ kind: 'click', url: 'https://shop.example/?msclkid=abc', referrer: 'https://www.bing.com/' })).toMatchObject({ source: 'bing', medium: 'cpc' });
    expect(channelInputOf({ kind: 'click', url: 'https://shop.example/?fbclid=IwAR', referrer: 'https://l.facebook.com/' })).toMatchObject({ source: 'l.facebook.com', medium: 'referral' });
  });
});
