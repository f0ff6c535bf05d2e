/**
 * The words of what Baton records: stages, touch kinds, transaction kinds,
 * sales channels and providers. They sit here, apart from the modules that
 * validate and store records (which hash ids with node:crypto), so the API's
 * response schemas, and through them the dashboard, read the same lists.
 * Nothing here may import anything that needs Node.
 */

export const STAGES = ['lead', 'qualified', 'disqualified'] as const;
export type StageName = (typeof STAGES)[number];
export const DISQUALIFICATION_REASONS = ['no_budget', 'no_interest', 'wrong_fit', 'unreachable', 'other'] as const;

export const MARKETING_KINDS = ['impression', 'click', 'visit', 'email_open', 'email_click', 'sms_click', 'social', 'referral'] as const;
export const SALES_KINDS = ['sales_call', 'sales_email', 'sales_meeting', 'demo', 'chat', 'quote'] as const;
export const TOUCH_KINDS = [...MARKETING_KINDS, ...SALES_KINDS] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];

export const TRANSACTION_KINDS = ['order', 'refund', 'cancellation'] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];
export const SALES_CHANNELS = ['online_store', 'pos', 'draft_order', 'marketplace', 'subscription', 'other'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];
export const PROVIDERS = ['api', 'shopify', 'woocommerce', 'stripe', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Why a closed month's figures would have moved: the reason its adjustment is posted under (docs/contract.md#closing-a-month). */
export const ADJUSTMENT_REASONS = ['late_transaction', 'reattribution', 'spend_restatement', 'fx_rate', 'config'] as const;
