/**
 * The words of the answers the dashboard reads whose own modules need Node
 * (they hash ids with node:crypto), so the dashboard's type-check cannot
 * reach them. Each equals its domain constant (test/unit/routes.test.ts
 * checks it); once those constants sit in modules free of Node, import them
 * instead.
 */

/** shared/projection/person.ts */
export const GROUP_BYS = ['channel', 'campaign', 'source_medium', 'kind'] as const;
export const FUNNEL_GROUP_BYS = ['campaign', 'channel', 'source_medium'] as const;
export const SALES_DIMENSIONS = ['rep', 'sales_channel'] as const;

/** shared/recording/stages.ts */
export const STAGES = ['lead', 'qualified', 'disqualified'] as const;
export const DISQUALIFICATION_REASONS = ['no_budget', 'no_interest', 'wrong_fit', 'unreachable', 'other'] as const;

/** shared/recording/touches.ts */
export const TOUCH_KINDS = [
  'impression',
  'click',
  'visit',
  'email_open',
  'email_click',
  'sms_click',
  'social',
  'referral',
  'sales_call',
  'sales_email',
  'sales_meeting',
  'demo',
  'chat',
  'quote',
] as const;

/** shared/recording/transactions.ts */
export const TRANSACTION_KINDS = ['order', 'refund', 'cancellation'] as const;
export const SALES_CHANNELS = ['online_store', 'pos', 'draft_order', 'marketplace', 'subscription', 'other'] as const;
