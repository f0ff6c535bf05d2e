import * as z from 'zod';
import { DATA_DRIVEN_MODELS, HEURISTIC_MODELS, MODELS } from '../../attribution/models.ts';
import { LAG_BUCKETS, PATH_LENGTH_BUCKETS } from '../../projection/cells.ts';
import { FUNNEL_GROUP_BYS, GROUP_BYS, SALES_DIMENSIONS } from '../../projection/groupings.ts';
import { ADJUSTMENT_REASONS, DISQUALIFICATION_REASONS } from '../../recording/vocabulary.ts';
import { HoursSchema, keyedBy, PeriodSchema, ReportingShape } from './common.ts';

const DaySchema = z.string().optional().describe('With `interval=day`: the day of the row');

/** What the period's spend adds to a row (POST /v1/spend); absent without spend, and under `groupBy=kind`. */
const RowCostSchema = {
  cost: z.number().int().optional().describe('Minor units'),
  roas: z.number().nullable().optional().describe('Revenue per unit of cost, to 4 decimals; null without cost'),
  cpa: z.number().int().nullable().optional().describe('Cost per conversion in minor units; null without cost or without conversions'),
};

export const ReportRowSchema = z.strictObject({
  day: DaySchema,
  key: z.string(),
  currency: z.string(),
  revenue: z.number().int(),
  conversions: z.number().describe('Fractional: an order’s conversion is shared among its touches'),
  touches: z.number().int(),
  ...RowCostSchema,
});

export const ReportTotalsSchema = z.strictObject({
  day: DaySchema,
  currency: z.string(),
  revenue: z.number().int(),
  attributed: z.number().int(),
  unattributed: z.number().int(),
  transactions: z.number().int(),
  cost: RowCostSchema.cost,
  unmatchedCost: z.number().int().optional().describe('Minor units: the part of `cost` no row carries (imported spend that matched no touch, or without a key under this grouping)'),
  roas: RowCostSchema.roas,
  adjustments: z
    .array(z.strictObject({ originalPeriod: z.string(), reason: z.enum(ADJUSTMENT_REASONS), revenue: z.number().int() }))
    .optional()
    .describe('Revenue of closed months posted in this period, by the month it belongs to and why (docs/contract.md#closing-a-month): part of `revenue`'),
});

const ReportPeriodSchema = PeriodSchema.extend({
  groupBy: z.enum(GROUP_BYS),
  channel: z.string().optional().describe('The channel whose campaigns the rows are (groupBy=campaign&channel=…)'),
  interval: z.literal('day').optional(),
  totals: z.array(ReportTotalsSchema).describe('Per currency (and day); rows plus unattributed equal revenue'),
  ...ReportingShape,
});

export const ReportAnswerSchema = ReportPeriodSchema.extend({ model: z.enum(MODELS), rows: z.array(ReportRowSchema) });

/** A report's row: `cost`, `roas` and `cpa` once the period has spend. */
export type ReportRow = z.infer<typeof ReportRowSchema>;
/** A report's totals of one currency (and day): `cost` and `roas` once the period has spend. */
export type ReportTotals = z.infer<typeof ReportTotalsSchema>;

export const CompareAnswerSchema = ReportPeriodSchema.extend({
  models: z.record(z.string(), z.array(ReportRowSchema)).describe(`Rows by model: ${HEURISTIC_MODELS.join(', ')}, and under groupBy=channel for the period as one ${DATA_DRIVEN_MODELS.join(', ')}`),
});

const FunnelMeasuresSchema = z.strictObject({
  acquired: z.number().int(),
  leads: z.number().int(),
  qualified: z.number().int(),
  disqualified: keyedBy(DISQUALIFICATION_REASONS, z.number().int()).describe('By the person’s latest disqualification reason'),
  customers: z.number().int(),
  orders: z.number().int(),
  revenue: z.array(z.strictObject({ currency: z.string(), revenue: z.number().int(), ordered: z.number().int(), refunded: z.number().int(), refundRate: z.number().nullable() })),
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
  ...ReportingShape,
});

export type FunnelMeasures = z.infer<typeof FunnelMeasuresSchema>;
export type FunnelRow = z.infer<typeof FunnelAnswerSchema>['rows'][number];

export const DroppedBatonSchema = z.strictObject({ identifiers: z.array(z.string()), qualifiedAt: z.string(), deadline: z.string(), acquiringCampaign: z.string().nullable() });

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
  dropped: z.array(DroppedBatonSchema).describe('A page of them, oldest first'),
  nextCursor: z.string().optional(),
});

export const SalesAnswerSchema = PeriodSchema.extend({
  groupBy: z.enum(SALES_DIMENSIONS),
  rows: z.array(
    z.strictObject({
      key: z.string(),
      currency: z.string(),
      revenue: z.number().int(),
      orders: z.number().describe('Fractional, like conversions: an order’s sales credit split over its sellers'),
      sourcedBy: z.strictObject({ marketing: z.number().int(), sales: z.number().int(), none: z.number().int() }),
      medianHoursToOrder: HoursSchema,
    }),
  ),
  totals: z.array(z.strictObject({ currency: z.string(), revenue: z.number().int(), transactions: z.number().int() })),
  ...ReportingShape,
});

type SalesAnswer = z.infer<typeof SalesAnswerSchema>;
export type SalesRow = SalesAnswer['rows'][number];
export type SalesTotals = SalesAnswer['totals'][number];

export const PathsAnswerSchema = PeriodSchema.extend({
  distinctPaths: z.number().int(),
  paths: z.array(z.strictObject({ path: z.array(z.string()), orders: z.number().int(), revenue: z.array(z.strictObject({ currency: z.string(), amount: z.number().int() })) })),
  pathLengths: z.array(z.strictObject({ touches: z.enum(PATH_LENGTH_BUCKETS), orders: z.number().int() })),
  timeLags: z.array(z.strictObject({ days: z.enum(LAG_BUCKETS), orders: z.number().int() })),
});

export type PathRow = z.infer<typeof PathsAnswerSchema>['paths'][number];

// ---- what a figure is made of (docs/contract.md#from-a-figure-to-what-it-is-made-of)

const CursorSchema = z.string().optional().describe('Present when more follow: pass it as `cursor` with the same query');

export const OrderLineSchema = z.strictObject({
  transactionId: z.string(),
  kind: z.enum(['order', 'refund', 'cancellation']),
  occurredAt: z.string(),
  day: z.string().describe('The reporting day, in the tenant’s time zone'),
  currency: z.string(),
  revenue: z.number().int().describe('The transaction’s revenue in minor units (negative for a refund or cancellation)'),
  credit: z.number().int().describe('This row’s share of it under the model (the sales credit for rep and sales_channel); under `(none)`, also what no marketing touch earned'),
  conversions: z.number().describe('This row’s share of the conversion (an order +1, a cancellation −1, a refund 0)'),
  sourcedBy: z.enum(['marketing', 'sales', 'none']),
  boundaryAt: z.string().describe('H: where marketing handed over to sales'),
});

export const AttributionOrdersAnswerSchema = PeriodSchema.extend({
  model: z.enum(HEURISTIC_MODELS).optional().describe('Absent for the sales dimensions, whose credit does not depend on a model'),
  groupBy: z.enum([...GROUP_BYS, ...SALES_DIMENSIONS]),
  channel: z.string().optional().describe('With groupBy=campaign: the channel whose campaign row this is'),
  key: z.string(),
  orders: z.array(OrderLineSchema).describe('A page of them, newest first; the credits of all pages sum to the row’s revenue in the report'),
  nextCursor: CursorSchema,
});

export const PersonLineSchema = z.strictObject({
  person: z.string().describe('The person’s identifier: GET /v1/people/journey?person= opens their journey'),
  identifiers: z.array(z.string()),
  acquiredAt: z.string(),
  day: z.string().describe('The day of the acquisition, in the tenant’s time zone'),
  lead: z.boolean(),
  qualified: z.boolean(),
  disqualified: z.enum(DISQUALIFICATION_REASONS).nullable().describe('The reason of their latest disqualification'),
  customer: z.boolean(),
  orders: z.number().int(),
});

export const FunnelPeopleAnswerSchema = PeriodSchema.extend({
  groupBy: z.enum(FUNNEL_GROUP_BYS),
  key: z.string(),
  people: z.array(PersonLineSchema).describe('A page of them, newest acquisition first; all pages hold as many people as the funnel row’s `acquired`'),
  nextCursor: CursorSchema,
});
