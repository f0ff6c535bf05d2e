import * as z from 'zod';

/** The fields a channel rule can look at, all compared lower-cased. */
export const RULE_FIELDS = ['source', 'medium', 'campaign', 'referrer_host', 'click_id'] as const;

/**
 * One condition of a tenant's channel rule. Plain string operators rather
 * than regular expressions: tenant input never runs a regex engine.
 */
export const RuleConditionSchema = z.object({
  field: z.enum(RULE_FIELDS),
  op: z.enum(['equals', 'contains', 'starts_with', 'ends_with', 'exists', 'absent']),
  values: z.array(z.string().min(1).max(200)).max(100).default([]),
});

/** A tenant rule: the channel applies when every condition holds. */
export const ChannelRuleSchema = z.object({
  channel: z.string().min(1).max(64),
  when: z.array(RuleConditionSchema).min(1).max(10),
});

export type RuleCondition = z.infer<typeof RuleConditionSchema>;
export type ChannelRule = z.infer<typeof ChannelRuleSchema>;
