import * as z from 'zod';
import { HEURISTIC_MODELS } from '../../attribution/models.ts';
import { PROVIDERS, SALES_CHANNELS, TRANSACTION_KINDS } from '../../recording/vocabulary.ts';
import { AmountsShape, IssueSchema, keyedBy, RejectedSchema } from './common.ts';

export const BatchAnswerSchema = z.strictObject({
  accepted: z.number().int(),
  duplicates: z.number().int().describe('Stored before with the same content, or repeated within the batch'),
  rejected: RejectedSchema,
});

export const SpendAnswerSchema = BatchAnswerSchema.extend({ stale: z.number().int().describe('Figures reported no later than the one already stored for that day: kept out') });

export const IdentifyAnswerSchema = z.strictObject({ linked: z.number().int(), duplicates: z.number().int(), identifiers: z.array(z.string()) });

const CountStatusSchema = z.enum(['counted', 'pending', 'conflict']);

const AdjustmentConflictSchema = z.strictObject({ code: z.enum(['currency_mismatch', 'exceeds_order', 'already_cancelled']), message: z.string(), field: z.string() });

export const TransactionAnswerSchema = z.strictObject({
  transactionId: z.string(),
  outcome: z.enum(['stored', 'duplicate', 'conflict', 'ignored']).describe('ignored: a test transaction, acknowledged and never counted'),
  status: CountStatusSchema.optional().describe('What Baton counts of it: pending while a refund or cancellation waits for its order'),
});

/** A transaction a webhook delivered: POST /v1/transactions answers an adjustment conflict with 409, a webhook acknowledges it. */
export const DeliveredTransactionSchema = TransactionAnswerSchema.extend({
  adjustmentConflict: AdjustmentConflictSchema.optional().describe('A refund or cancellation that cannot count against its order: it counts nothing'),
});

export const TransactionViewSchema = z.strictObject({
  transactionId: z.string(),
  provider: z.enum(PROVIDERS),
  externalId: z.string(),
  kind: z.enum(TRANSACTION_KINDS),
  orderId: z.string().optional(),
  occurredAt: z.string(),
  currency: z.string(),
  ...AmountsShape,
  salesChannel: z.enum(SALES_CHANNELS),
  rep: z.string().optional(),
  landingUrl: z.string().optional(),
  referrer: z.string().optional(),
  recordedAt: z.string(),
  status: CountStatusSchema.describe('What Baton counts of it: pending while a refund or cancellation waits for its order, conflict when it cannot count against it'),
  counted: z.strictObject(AmountsShape).describe('The amounts Baton counts: zero unless counted'),
  conflict: AdjustmentConflictSchema.optional(),
  attributionSummary: z
    .strictObject({
      sourcedBy: z.enum(['marketing', 'sales', 'none']),
      boundaryAt: z.string(),
      top: keyedBy(HEURISTIC_MODELS, z.strictObject({ campaign: z.string().nullable(), channel: z.string() }).nullable()).describe('Each heuristic model’s top credited touch'),
    })
    .optional()
    .describe('Once attributed: what the export’s lines show of its attribution'),
  person: z.strictObject({ identifiers: z.array(z.string()).describe('c:<customerId>, e:<sha256 of the email>, a:<anonymousId>') }),
});

/** What became of one collected event: `bot` and `noConsent` are the answer's `dropped`, the others its counts of the same names. */
export const COLLECT_OUTCOMES = ['accepted', 'duplicate', 'ignored', 'bot', 'noConsent', 'rejected'] as const;

export const CollectDebugSchema = z.strictObject({
  userAgent: z.string().nullable().describe('The User-Agent header Baton read (null: none)'),
  botMatch: z.string().nullable().describe('The part of the user agent on isbot’s list of bots, for which every event is dropped (null: not a bot by its list)'),
  consentRequired: z.boolean().describe('The tenant’s consentRequired: events without consent: true store nothing'),
  events: z
    .array(
      z.strictObject({
        index: z.number().int(),
        eventId: z.string().optional(),
        type: z.string().optional(),
        outcome: z.enum(COLLECT_OUTCOMES),
        reason: z.string().describe('Why, in a sentence'),
      }),
    )
    .describe('Each event of the request, in order'),
});

export const CollectAnswerSchema = z.strictObject({
  accepted: z.number().int().describe('Touches, identity links and checkouts stored'),
  duplicates: z.number().int(),
  ignored: z.number().int().describe('Pages without a campaign signal: nothing stored'),
  dropped: z.strictObject({ bot: z.number().int(), noConsent: z.number().int() }).describe('Events not stored on purpose: from a bot, or without consent where the tenant requires it'),
  rejected: RejectedSchema,
  debug: CollectDebugSchema.optional().describe('With ?debug=true only: what became of each event and why. What is stored is the same with or without it'),
});

export const WebhookAnswerSchema = z.strictObject({
  received: z.literal(true),
  outcome: z.literal('quarantined').optional().describe('Genuine but unreadable: kept whole for redrive'),
  quarantined: z.strictObject({ id: z.string(), reason: z.string(), errors: z.array(IssueSchema) }).optional(),
  ignored: z.string().optional().describe('Why the delivery carries nothing Baton records (a topic without revenue, a test)'),
  duplicate: z.boolean().optional(),
  transactions: z.array(DeliveredTransactionSchema).optional(),
  touches: z.number().int().optional(),
});

/** The body of a webhook's answer. */
export type WebhookAnswerBody = z.infer<typeof WebhookAnswerSchema>;
