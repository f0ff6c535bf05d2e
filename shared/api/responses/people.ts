import * as z from 'zod';
import { HEURISTIC_MODELS } from '../../attribution/models.ts';
import { DISQUALIFICATION_REASONS, SALES_CHANNELS, STAGES, TOUCH_KINDS, TRANSACTION_KINDS } from '../../recording/vocabulary.ts';

const SideSchema = z.enum(['marketing', 'sales']);

/** A touch of an attributed journey. */
export const JourneyTouchSchema = z.strictObject({
  touchId: z.string(),
  occurredAt: z.string(),
  side: SideSchema,
  kind: z.string(),
  channel: z.string(),
  campaign: z.string().nullable(),
  source: z.string().nullable(),
  medium: z.string().nullable(),
  rep: z.string().optional(),
});

export const AttributionSchema = z.strictObject({
  transactionId: z.string(),
  occurredAt: z.string(),
  currency: z.string(),
  revenue: z.number().int().describe('Net, tax and shipping excluded, in minor units'),
  window: z.strictObject({ from: z.string(), to: z.string() }),
  boundary: z.strictObject({ at: z.string(), reason: z.enum(['sales_touch', 'qualified', 'transaction']) }).describe('Where marketing’s part of the journey ended'),
  sourcedBy: z.enum(['marketing', 'sales', 'none']),
  marketing: z.strictObject({
    touches: z.array(JourneyTouchSchema),
    credits: z
      .record(z.string(), z.array(z.strictObject({ touchId: z.string(), channel: z.string(), campaign: z.string().nullable(), amount: z.number().int() })))
      .describe(`Each heuristic model’s split of the revenue over the touches before the boundary, by model: ${HEURISTIC_MODELS.join(', ')}`),
    unattributed: z.number().int(),
  }),
  sales: z.strictObject({
    salesChannel: z.string(),
    touches: z.array(JourneyTouchSchema),
    credits: z.array(z.strictObject({ touchId: z.string().nullable(), rep: z.string().nullable(), amount: z.number().int() })),
  }),
  afterBoundary: z.array(JourneyTouchSchema),
  version: z.number().int(),
});

/** A touch as recorded (the journey shows them as stored). */
const RecordedTouchSchema = z.strictObject({
  touchId: z.string(),
  occurredAt: z.string(),
  identifiers: z.array(z.string()),
  kind: z.enum(TOUCH_KINDS),
  side: SideSchema,
  channel: z.string(),
  source: z.string().optional(),
  medium: z.string().optional(),
  campaign: z.string().optional(),
  campaignId: z.string().optional().describe('`utm_id`: the ad platform’s campaign id'),
  term: z.string().optional(),
  content: z.string().optional(),
  clickIds: z.array(z.string()).optional(),
  url: z.string().optional(),
  referrer: z.string().optional(),
  rep: z.string().optional(),
  cost: z.strictObject({ amount: z.number().int(), currency: z.string() }).optional(),
  landingOf: z.string().optional().describe('The order whose landing this visit is, as the storefront reported it'),
  consent: z.enum(['granted', 'not_required']).optional().describe('Collected from a browser: under which consent'),
});

export const JourneySchema = z.strictObject({
  identifiers: z.array(z.string()).describe('c:<customerId>, e:<sha256 of the email>, a:<anonymousId>: every id linked to the ones asked for'),
  touches: z.array(RecordedTouchSchema),
  stages: z.array(z.strictObject({ stageId: z.string(), identifiers: z.array(z.string()), stage: z.enum(STAGES), occurredAt: z.string(), reason: z.enum(DISQUALIFICATION_REASONS).optional() })),
  transactions: z.array(
    z.strictObject({
      transactionId: z.string(),
      kind: z.enum(TRANSACTION_KINDS),
      occurredAt: z.string(),
      currency: z.string(),
      net: z.number().int(),
      total: z.number().int(),
      orderId: z.string().optional(),
      salesChannel: z.enum(SALES_CHANNELS).optional(),
      rep: z.string().optional(),
    }),
  ),
  truncated: z.boolean().describe('The identity graph was larger than one read takes, or only the latest touches are shown'),
});
