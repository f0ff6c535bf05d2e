import * as z from 'zod';
import { SCOPES } from '../auth/scopes.ts';
import { CollectBodySchema, CollectEventSchema, MAX_COLLECT_EVENTS } from '../collect/collect.ts';
import { ExportQuerySchema, SummaryQuerySchema } from '../exports/export.ts';
import { PersonSchema } from '../identity/identity.ts';
import { JOB_STATUSES, RecomputeBodySchema } from '../jobs/recompute.ts';
import { ErasureLogQuerySchema, ErasureQuerySchema } from '../privacy/erasure.ts';
import { LAG_BUCKETS, PATH_LENGTH_BUCKETS } from '../projection/cells.ts';
import { FUNNEL_GROUP_BYS, SALES_DIMENSIONS } from '../projection/person.ts';
import { CompareQuerySchema, ReportQuerySchema } from '../read-models/reports.ts';
import { DROPPED_PAGE, FunnelQuerySchema, HandoffsQuerySchema, PathsQuerySchema, SalesQuerySchema } from '../read-models/views.ts';
import { DISQUALIFICATION_REASONS, IdentifyInputSchema, StageInputSchema } from '../recording/stages.ts';
import { ClientIdSchema, TouchInputSchema } from '../recording/touches.ts';
import { PROVIDERS, SALES_CHANNELS, TRANSACTION_KINDS, TransactionInputSchema } from '../recording/transactions.ts';
import { MAX_BATCH } from '../recording/use-cases.ts';
import { SpendInputSchema } from '../spend/spend.ts';
import { AttributionConfigPatchSchema, AttributionConfigSchema } from '../tenants/attribution-config.ts';
import { TenantIdSchema, WEBHOOK_PROVIDERS } from '../tenants/tenant.ts';
import { CalendarSchema } from '../time/calendar.ts';

export const JobSchema = z.object({
  jobId: z.string(),
  kind: z.literal('recompute'),
  status: z.enum(JOB_STATUSES),
  from: z.string(),
  to: z.string(),
  range: z.object({ start: z.string(), end: z.string() }),
  days: z.object({ total: z.number().int(), done: z.number().int() }),
  transactions: z.number().int(),
  people: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  failure: z.object({ day: z.string(), error: z.string() }).optional().describe('When failed: the day whose task kept failing (its message is in the recompute dead-letter queue) and its last error'),
});

const PeriodSchema = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string().optional().describe('The zone of every day of the period, when it has one'),
  timezones: z.array(z.object({ from: z.string(), to: z.string(), timezone: z.string() })).describe('The tenant’s zone over the period: one entry unless the zone changed within it'),
  recompute: z
    .object({ advised: z.literal(true), since: z.string(), fields: z.array(z.string()), message: z.string() })
    .optional()
    .describe('Present while settings changed since `since` (fields) that figures counted before then were not computed under; gone once a recompute started after the change has run'),
});
const HoursSchema = z.number().nullable().describe('From hour buckets (0, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160+), interpolated within the bucket; null without data');
const FunnelMeasuresSchema = z.object({
  acquired: z.number().int(),
  leads: z.number().int(),
  qualified: z.number().int(),
  disqualified: z.object(Object.fromEntries(DISQUALIFICATION_REASONS.map((reason) => [reason, z.number().int()]))).describe('By the person’s latest disqualification reason'),
  customers: z.number().int(),
  orders: z.number().int(),
  revenue: z.array(z.object({ currency: z.string(), revenue: z.number().int(), ordered: z.number().int(), refunded: z.number().int(), refundRate: z.number().nullable() })),
  refundRate: z.number().nullable().describe('refunded ÷ ordered when the row sold in one currency; null with several (see revenue)'),
  medianMarketingCycleHours: HoursSchema,
  medianSalesCycleHours: HoursSchema,
  touches: z.number().int(),
  peopleReached: z.number().int(),
});
export const FunnelAnswerSchema = PeriodSchema.extend({
  groupBy: z.enum(FUNNEL_GROUP_BYS),
  histogramBuckets: z.string(),
  rows: z.array(FunnelMeasuresSchema.extend({ key: z.string() })),
  totals: FunnelMeasuresSchema,
});
export const HandoffsAnswerSchema = PeriodSchema.extend({
  slaHours: z.number(),
  pickedUpBy: z
    .enum(['sales', 'checkout'])
    .describe('`checkout` for a store without a sales team (config salesTeam false): qualified = checkouts started, contacted = checkouts completed by an order, dropped = abandoned checkouts'),
  qualified: z.number().int(),
  contacted: z.number().int(),
  withinSla: z.number().int(),
  medianHours: HoursSchema,
  p90Hours: HoursSchema,
  asOf: z.string().describe('Batons whose deadline passed before this instant are dropped; pages of one listing share it'),
  dropped: z.array(z.object({ identifiers: z.array(z.string()), qualifiedAt: z.string(), deadline: z.string(), acquiringCampaign: z.string().nullable() })).max(DROPPED_PAGE),
  nextCursor: z.string().optional(),
});
export const SalesAnswerSchema = PeriodSchema.extend({
  groupBy: z.enum(SALES_DIMENSIONS),
  rows: z.array(
    z.object({
      key: z.string(),
      currency: z.string(),
      revenue: z.number().int(),
      orders: z.number(),
      sourcedBy: z.object({ marketing: z.number().int(), sales: z.number().int(), none: z.number().int() }),
      medianHoursToOrder: HoursSchema,
    }),
  ),
  totals: z.array(z.object({ currency: z.string(), revenue: z.number().int(), transactions: z.number().int() })),
});
export const PathsAnswerSchema = PeriodSchema.extend({
  distinctPaths: z.number().int(),
  paths: z.array(z.object({ path: z.array(z.string()), orders: z.number().int(), revenue: z.array(z.object({ currency: z.string(), amount: z.number().int() })) })),
  pathLengths: z.array(z.object({ touches: z.enum(PATH_LENGTH_BUCKETS), orders: z.number().int() })),
  timeLags: z.array(z.object({ days: z.enum(LAG_BUCKETS), orders: z.number().int() })),
});

const ErasureEntrySchema = z.object({
  erasureId: z.string(),
  erasedAt: z.string(),
  identifiers: z.array(z.string()).describe('The ids erased, as HMAC-SHA-256 under the tenant’s secret key'),
  erased: z.object({
    touches: z.number().int(),
    stages: z.number().int(),
    links: z.number().int(),
    transactions: z.number().int().describe('Kept for finance, the person removed'),
    checkouts: z.number().int(),
    attributions: z.number().int(),
    projections: z.number().int(),
    droppedBatons: z.number().int(),
  }),
});

/** SPEC §8's problem body. */
export const ProblemSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().describe('For invalid input: [{path, message, code}] with the zod path of each field'),
  }),
});

export const KeyViewSchema = z.object({
  tenantId: z.string(),
  scope: z.enum(SCOPES).describe('What the key may do: one scope per key'),
  currency: z.string().describe('The tenant’s reporting currency'),
  timezone: z.string().describe('The zone the tenant’s reporting days are counted in from today'),
});

export const HealthSchema = z.object({ status: z.enum(['ok', 'degraded']), dynamodb: z.enum(['ok', 'unreachable']) });

export const ConfigViewSchema = AttributionConfigSchema.extend({
  version: z.number().int(),
  updatedAt: z.iso.datetime(),
  calendar: CalendarSchema.describe('Which time zone each reporting day is in: a timezone change applies from the next day on (`from`), earlier days keep theirs'),
});

export const ConfigChangeSchema = ConfigViewSchema.extend({
  recompute: z.object({
    advised: z.boolean().describe('Fields changed that apply to transactions recorded from now on: POST /v1/attribution/recompute re-attributes earlier periods'),
    fields: z.array(z.string()),
    laterTouchesOnly: z.array(z.string()).describe('Fields that apply to touches recorded from now on (channel rules)'),
    message: z.string(),
  }),
});

/** Batches are checked item by item: the envelope takes any items, each is validated on its own. */
export const TouchBatchSchema = z.object({ touches: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict();
export const StageBatchSchema = z.object({ stages: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict();
export const SpendBatchSchema = z.object({ spend: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict();

export const BatchAnswerSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })) })),
});

export const SpendAnswerSchema = BatchAnswerSchema.extend({ stale: z.number().int().describe('Figures reported no later than the one already stored for that day: kept out') });

export const TransactionAnswerSchema = z.object({
  transactionId: z.string(),
  outcome: z.enum(['stored', 'duplicate', 'conflict', 'ignored']).describe('ignored: a test transaction, acknowledged and never counted'),
  status: z.enum(['counted', 'pending', 'conflict']).optional().describe('What Baton counts of it: pending while a refund or cancellation waits for its order'),
});

export const TransactionParamsSchema = z.object({ transactionId: ClientIdSchema });

export const TransactionViewSchema = z.object({
  transactionId: z.string(),
  provider: z.enum(PROVIDERS),
  externalId: z.string(),
  kind: z.enum(TRANSACTION_KINDS),
  orderId: z.string().optional(),
  occurredAt: z.string(),
  currency: z.string(),
  gross: z.number().int(),
  discount: z.number().int(),
  net: z.number().int(),
  tax: z.number().int(),
  shipping: z.number().int(),
  total: z.number().int(),
  salesChannel: z.enum(SALES_CHANNELS),
  rep: z.string().optional(),
  landingUrl: z.string().optional(),
  referrer: z.string().optional(),
  recordedAt: z.string(),
  person: z.object({ identifiers: z.array(z.string()).describe('c:<customerId>, e:<sha256 of the email>, a:<anonymousId>') }),
});

export const JourneyQuerySchema = PersonSchema;

export const WebhookParamsSchema = z.object({ provider: z.enum(WEBHOOK_PROVIDERS), tenantId: TenantIdSchema });

/**
 * What each handler accepts and answers, by handler name (see
 * shared/routes.ts). The handlers validate with these very schemas, and the
 * OpenAPI document is generated from them.
 */
export interface RouteContract {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export const contracts: Record<string, RouteContract> = {
  health: { responses: { 200: { description: 'The service and its table answer', schema: HealthSchema }, 503: { description: 'DynamoDB is unreachable', schema: HealthSchema } } },
  'get-config': { responses: { 200: { description: 'The attribution configuration', schema: ConfigViewSchema } } },
  'get-me': { responses: { 200: { description: 'Who the key is: what a client such as the dashboard needs to choose its views and its days', schema: KeyViewSchema } } },
  'post-touches': {
    body: z.object({ touches: z.array(TouchInputSchema).min(1).max(MAX_BATCH) }),
    responses: { 202: { description: 'Good items stored (or found stored before); bad ones rejected with their index and reasons', schema: BatchAnswerSchema } },
  },
  'post-stages': {
    body: z.object({ stages: z.array(StageInputSchema).min(1).max(MAX_BATCH) }),
    responses: { 202: { description: 'As for touches', schema: BatchAnswerSchema } },
  },
  'post-spend': {
    body: z.object({ spend: z.array(SpendInputSchema).min(1).max(MAX_BATCH) }),
    responses: {
      202: { description: 'Each day’s figure per campaign and currency stored unless a later report of it is; bad lines rejected with their index and reasons', schema: SpendAnswerSchema },
    },
  },
  'post-identify': {
    body: IdentifyInputSchema,
    responses: {
      202: {
        description: 'The ids are one person from now on, earlier touches included',
        schema: z.object({ linked: z.number().int(), duplicates: z.number().int(), identifiers: z.array(z.string()) }),
      },
    },
  },
  'post-transactions': {
    body: TransactionInputSchema,
    responses: {
      201: { description: 'Stored (a refund or cancellation whose order is not recorded yet is stored pending)', schema: TransactionAnswerSchema },
      200: { description: 'Stored before with the same content, or a test transaction (ignored)', schema: TransactionAnswerSchema },
      409: {
        description:
          'The transactionId was recorded before with different content, or a refund or cancellation cannot count against its order (another currency, more than the order had, a second cancellation); nothing is stored',
        schema: ProblemSchema,
      },
    },
  },
  'get-attribution': { params: TransactionParamsSchema, responses: { 200: { description: 'SPEC §5: boundary, sourcedBy, marketing credits per model, sales credits, touches after the boundary' } } },
  'get-report': {
    query: ReportQuerySchema,
    responses: {
      200: {
        description:
          'Rows {key, currency, revenue, conversions, touches} and per-currency totals; rows plus unattributed equal revenue. Once the period has spend (POST /v1/spend), rows also carry cost, roas and cpa (not under groupBy=kind) and totals cost and roas',
      },
    },
  },
  'get-compare': { query: CompareQuerySchema, responses: { 200: { description: 'Rows per model (with cost, roas, cpa as in the report), and per-currency totals' } } },
  'delete-people': {
    query: ErasureQuerySchema,
    responses: {
      200: { description: 'Erased (or nothing left to erase: an unknown or already erased person answers the same, with zero counts); the entry the erasure log keeps', schema: ErasureEntrySchema },
      400: { description: 'No id, an id that is not valid, or ids of different people' },
    },
  },
  'get-erasures': {
    query: ErasureLogQuerySchema,
    responses: { 200: { description: 'Newest first; nextCursor while more follow', schema: z.object({ entries: z.array(ErasureEntrySchema), nextCursor: z.string().optional() }) } },
  },
  'get-funnel': { query: FunnelQuerySchema, responses: { 200: { description: 'SPEC §5.1: a row per acquiring key, the totals, the period’s time zones', schema: FunnelAnswerSchema } } },
  'get-handoffs': { query: HandoffsQuerySchema, responses: { 200: { description: 'SPEC §5.2; with nextCursor when more dropped batons follow', schema: HandoffsAnswerSchema } } },
  'get-sales-report': { query: SalesQuerySchema, responses: { 200: { description: 'Rows per currency and seller; each currency’s rows sum to its revenue (totals)', schema: SalesAnswerSchema } } },
  'get-paths': { query: PathsQuerySchema, responses: { 200: { description: 'The top `limit` paths by orders, and both histograms with every bucket', schema: PathsAnswerSchema } } },
  'post-recompute': {
    body: RecomputeBodySchema,
    responses: { 202: { description: 'The job, started: a task per day re-projects the period under the current config; follow it at GET /v1/jobs/{jobId} (also in Location)', schema: JobSchema } },
  },
  'get-job': { params: z.object({ jobId: z.string() }), responses: { 200: { description: 'The job and its progress', schema: JobSchema } } },
  'export-transactions': {
    query: ExportQuerySchema,
    responses: {
      200: {
        description:
          'One line per order, refund and cancellation in (occurredAt, transactionId) order; with limit, X-Next-Cursor names the next page (absent on the last). On AWS served by the export function URL (response streaming).',
        contentType: 'text/csv',
      },
    },
  },
  'export-summary': { query: SummaryQuerySchema, responses: { 200: { description: 'Per currency, the sums of the export’s lines' } } },
  'get-transaction': { params: TransactionParamsSchema, responses: { 200: { description: 'The stored transaction, amounts in minor units', schema: TransactionViewSchema } } },
  'get-journey': {
    query: JourneyQuerySchema,
    responses: { 200: { description: "The person's linked ids, touches, stages and transactions in time order" } },
  },
  'post-webhook': {
    params: WebhookParamsSchema,
    responses: { 200: { description: 'Received: stored, duplicate, or a topic that carries no revenue (ignored)' } },
  },
  collect: {
    body: CollectBodySchema.extend({ events: z.array(CollectEventSchema).min(1).max(MAX_COLLECT_EVENTS) }),
    responses: {
      202: {
        description: 'Each event counted by what became of it. Sent as text/plain (no preflight) or JSON; CORS headers only for the tenant’s allowedOrigins',
        schema: z.object({
          accepted: z.number().int(),
          duplicates: z.number().int(),
          ignored: z.number().int().describe('Pages without a campaign signal: nothing stored'),
          dropped: z.object({ bot: z.number().int(), noConsent: z.number().int() }),
          rejected: BatchAnswerSchema.shape.rejected,
        }),
      },
    },
  },
  'OPTIONS /v1/collect': {
    query: z.object({ key: z.string().describe('The publishable key, so the preflight knows the tenant') }),
    responses: { 204: { description: 'CORS headers for an allowed origin' } },
  },
  'get-tracker': {
    query: z.object({ key: z.string().describe('The tenant’s publishable key (pk_…)') }),
    responses: { 200: { description: 'The tracker script with the tenant’s collection settings', contentType: 'application/javascript' } },
  },
  'patch-config': {
    body: AttributionConfigPatchSchema,
    responses: {
      200: { description: 'The configuration after the change, and whether what is already counted needs a recompute', schema: ConfigChangeSchema },
      409: { description: 'Another change landed meanwhile; read and retry' },
    },
  },
};
