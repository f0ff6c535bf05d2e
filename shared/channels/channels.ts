import type { ChannelRule, RuleCondition } from './rule-schema.ts';
import { isSite, type SiteCategory } from './sites.ts';

/** The channels of docs/contract.md#recording, after GA4's default channel group. */
export const CHANNELS = [
  'Direct',
  'Cross-network',
  'Paid Shopping',
  'Paid Search',
  'Paid Social',
  'Paid Video',
  'Display',
  'Organic Shopping',
  'Organic Social',
  'Organic Video',
  'Organic Search',
  'Referral',
  'Email',
  'Affiliates',
  'SMS',
  'Unassigned',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channel of sales-side touches (calls, meetings, demos…): they belong to no marketing channel. */
export const SALES_CHANNEL = 'Sales';

/** What the rules look at, each lower-cased and trimmed; empty values are absent. */
export interface ChannelInput {
  source?: string;
  medium?: string;
  campaign?: string;
  referrerHost?: string;
  clickIds: readonly string[];
}

type DefaultCondition = RuleCondition | { field: 'source' | 'campaign'; op: 'site'; values: [SiteCategory] } | { field: 'source' | 'medium' | 'campaign'; op: 'regex'; values: [RegExp] };

interface DefaultRule {
  channel: Channel;
  /** The rule applies when any of these condition lists holds in full. */
  anyOf: DefaultCondition[][];
}

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SHOPPING_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const paid: DefaultCondition = { field: 'medium', op: 'regex', values: [PAID_MEDIUM] };
const site = (category: SiteCategory): DefaultCondition => ({ field: 'source', op: 'site', values: [category] });
const clickId = (...ids: string[]): DefaultCondition => ({ field: 'click_id', op: 'equals', values: ids });
const medium = (...values: string[]): DefaultCondition => ({ field: 'medium', op: 'equals', values });
const source = (...values: string[]): DefaultCondition => ({ field: 'source', op: 'equals', values });

/**
 * The default rules in GA4's order; the first that holds names the channel.
 * Click ids count as paid traffic of their network (gclid → Google Ads).
 * GA4's Paid Other, Audio and Mobile Push fall to Unassigned: docs/contract.md#recording has
 * no such channels.
 */
export const DEFAULT_RULES: readonly DefaultRule[] = [
  {
    channel: 'Direct',
    anyOf: [
      [
        { field: 'source', op: 'absent', values: [] },
        { field: 'medium', op: 'absent', values: [] },
        { field: 'referrer_host', op: 'absent', values: [] },
        { field: 'click_id', op: 'absent', values: [] },
        { field: 'campaign', op: 'absent', values: [] },
      ],
      [source('(direct)'), medium('(none)', '(not set)')],
    ],
  },
  { channel: 'Cross-network', anyOf: [[{ field: 'campaign', op: 'regex', values: [/cross-network|performance[ _-]?max|pmax/] }]] },
  {
    channel: 'Paid Shopping',
    anyOf: [
      [site('shopping'), paid],
      [{ field: 'campaign', op: 'regex', values: [SHOPPING_CAMPAIGN] }, paid],
    ],
  },
  { channel: 'Paid Search', anyOf: [[site('search'), paid], [clickId('gclid', 'gbraid', 'wbraid', 'msclkid')]] },
  { channel: 'Paid Social', anyOf: [[site('social'), paid], [clickId('ttclid', 'li_fat_id')]] },
  { channel: 'Paid Video', anyOf: [[site('video'), paid]] },
  { channel: 'Display', anyOf: [[medium('display', 'banner', 'expandable', 'interstitial', 'cpm')]] },
  { channel: 'Organic Shopping', anyOf: [[site('shopping')], [{ field: 'campaign', op: 'regex', values: [SHOPPING_CAMPAIGN] }]] },
  {
    channel: 'Organic Social',
    anyOf: [[site('social')], [medium('social', 'social-network', 'social-media', 'sm', 'social network', 'social media')], [clickId('fbclid')]],
  },
  { channel: 'Organic Video', anyOf: [[site('video')], [{ field: 'medium', op: 'regex', values: [/video/] }]] },
  { channel: 'Organic Search', anyOf: [[site('search')], [medium('organic')]] },
  { channel: 'Referral', anyOf: [[medium('referral', 'app', 'link')]] },
  { channel: 'Email', anyOf: [[source('email', 'e-mail', 'e_mail', 'e mail', 'newsletter')], [medium('email', 'e-mail', 'e_mail', 'e mail', 'newsletter')]] },
  { channel: 'Affiliates', anyOf: [[medium('affiliate', 'affiliates', 'partner')]] },
  { channel: 'SMS', anyOf: [[source('sms')], [medium('sms', 'text')]] },
];

function fieldValue(input: ChannelInput, field: RuleCondition['field']): string[] {
  switch (field) {
    case 'click_id':
      return [...input.clickIds];
    case 'referrer_host':
      return input.referrerHost ? [input.referrerHost] : [];
    default:
      return input[field] ? [input[field] as string] : [];
  }
}

function holds(condition: DefaultCondition, input: ChannelInput): boolean {
  const values = fieldValue(input, condition.field);
  switch (condition.op) {
    case 'exists':
      return values.length > 0;
    case 'absent':
      return values.length === 0;
    case 'site':
      return values.some((value) => isSite(value, condition.values[0]));
    case 'regex':
      return values.some((value) => condition.values[0].test(value));
    default: {
      const wanted = condition.values.map((value) => value.trim().toLowerCase());
      return values.some((value) =>
        wanted.some((want) =>
          condition.op === 'equals' ? value === want : condition.op === 'contains' ? value.includes(want) : condition.op === 'starts_with' ? value.startsWith(want) : value.endsWith(want),
        ),
      );
    }
  }
}

/**
 * The channel of a marketing touch: the tenant's rules first (in their
 * order), then the defaults; Unassigned when nothing holds.
 */
export function deriveChannel(input: ChannelInput, tenantRules: readonly ChannelRule[] = []): string {
  for (const rule of tenantRules) if (rule.when.every((condition) => holds(condition, input))) return rule.channel;
  for (const rule of DEFAULT_RULES) if (rule.anyOf.some((conditions) => conditions.every((condition) => holds(condition, input)))) return rule.channel;
  return 'Unassigned';
}
