/**
 * The API's answers as the dashboard reads them: the types of the routes'
 * response schemas (shared/api/responses/), imported as types only so the
 * bundle carries no zod. Amounts are minor units.
 */
import type * as z from 'zod';
import type { CohortsAnswerSchema } from '../../shared/api/responses/cohorts.ts';
import type { ExportSummarySchema } from '../../shared/api/responses/exports.ts';
import type { FxRatesListSchema } from '../../shared/api/responses/fx.ts';
import type { AttributionSchema, JourneySchema } from '../../shared/api/responses/people.ts';
import type { PeriodsAnswerSchema, ReopenAnswerSchema } from '../../shared/api/responses/periods.ts';
import type {
  AttributionOrdersAnswerSchema,
  CompareAnswerSchema,
  FunnelAnswerSchema,
  FunnelPeopleAnswerSchema,
  HandoffsAnswerSchema,
  PathsAnswerSchema,
  ReportAnswerSchema,
  SalesAnswerSchema,
} from '../../shared/api/responses/read-models.ts';
import type { SpendAuditAnswerSchema, SpendImportAnswerSchema, SpendImportsAnswerSchema, SpendMappingsAnswerSchema } from '../../shared/api/responses/spend.ts';
import type { KeyViewSchema } from '../../shared/api/responses/tenants.ts';

export type Me = z.infer<typeof KeyViewSchema>;
export type Scope = Me['scope'];

export type Report = z.infer<typeof ReportAnswerSchema>;
export type ReportRow = Report['rows'][number];
export type ReportTotals = Report['totals'][number];
export type Compare = z.infer<typeof CompareAnswerSchema>;

export type Funnel = z.infer<typeof FunnelAnswerSchema>;
export type FunnelMeasures = Funnel['totals'];
/** The funnel's disqualification columns, in order (a plain list: no zod comes with it). */
export { DISQUALIFICATION_REASONS } from '../../shared/recording/vocabulary.ts';

export type Handoffs = z.infer<typeof HandoffsAnswerSchema>;
export type DroppedBaton = Handoffs['dropped'][number];
export type SalesReport = z.infer<typeof SalesAnswerSchema>;
export type Paths = z.infer<typeof PathsAnswerSchema>;

/** `GET /v1/cohorts`: customers by the month of their first order and the key its credit went to, and what they brought month by month since. */
export type Cohorts = z.infer<typeof CohortsAnswerSchema>;
export type CohortRow = Cohorts['rows'][number];
/** The per-transaction models, the ones a cohort can split its customers by (a plain list: no zod comes with it). */
export { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
/** The groupings cohorts are read by (`none`: every customer of the cohort as one row). */
export { COHORT_GROUP_BYS } from '../../shared/projection/groupings.ts';

export type Attribution = z.infer<typeof AttributionSchema>;
export type Touch = Attribution['afterBoundary'][number];
export type Journey = z.infer<typeof JourneySchema>;

export type ExportSummary = z.infer<typeof ExportSummarySchema>;
export type ExportSums = ExportSummary['currencies'][number];
/** With `currency=reporting`: the sums of the export's reporting columns, in the reporting currency. */
export type ReportingSums = NonNullable<ExportSummary['reporting']>;

/** What an answer asked with `currency=reporting` adds: the currency its amounts are in, and what had no rate. */
export interface InReporting {
  reportingCurrency?: string | undefined;
  missingRates?: MissingRate[] | undefined;
}
/** An amount left out of an answer in the reporting currency for want of a rate (minor units of its own currency, signed). */
export type MissingRate = NonNullable<Report['missingRates']>[number];
/** `GET /v1/fx-rates`: the tenant's rates of some days, with the reporting currency and fxMaxAgeDays that use them. */
export type FxRates = z.infer<typeof FxRatesListSchema>;
export type FxRate = FxRates['rates'][number];

/** `GET /v1/attribution/orders`: the orders and adjustments a report row (or sales report row) is made of, newest first. */
export type RowOrders = z.infer<typeof AttributionOrdersAnswerSchema>;
export type RowOrder = RowOrders['orders'][number];
/** `GET /v1/funnel/people`: the people a funnel row counts (acquired in the period under its key), newest first. */
export type RowPeople = z.infer<typeof FunnelPeopleAnswerSchema>;
export type RowPerson = RowPeople['people'][number];

/** `POST /v1/spend/imports`: what one spend file imported (and, listed by `GET /v1/spend/imports`, each of the latest). */
export type SpendImport = z.infer<typeof SpendImportAnswerSchema>;
export type SpendImports = z.infer<typeof SpendImportsAnswerSchema>;
/** An ad platform whose file Baton reads (`generic`: a plain CSV). */
export type SpendProfile = SpendImport['profile'];
/** `GET`/`PUT /v1/spend/mappings`: touch campaign → platform campaign id, and the sources each platform's spend pays for. */
export type SpendMappings = z.infer<typeof SpendMappingsAnswerSchema>;
export type SpendMapping = SpendMappings['mappings'][number];
/** `GET /v1/spend/audit`: spend that matched no touch, and campaigns with revenue but no spend. */
export type SpendAudit = z.infer<typeof SpendAuditAnswerSchema>;
export type UnmatchedSpend = SpendAudit['unmatchedSpend'][number];
export type CampaignWithoutSpend = SpendAudit['campaignsWithoutSpend'][number];
export type PlatformSpend = SpendAudit['spend'][number];

/** `GET /v1/periods` (and the answer of closing a month): the tenant's months, newest first, closed and open, with who closed them and when. */
export type Periods = z.infer<typeof PeriodsAnswerSchema>;
export type PeriodMonth = Periods['months'][number];
/** One closing of a month, with its reopening (who, when, why) if it was reopened. */
export type Closing = PeriodMonth['closings'][number];
/** `POST /v1/periods/{month}/reopen`: the months after the reopening, and how many adjustments were taken back into it. */
export type Reopened = z.infer<typeof ReopenAnswerSchema>;
/** A change to a closed month posted in a later one, as a report's totals list it: the month it belongs to, why, and its revenue (minor units). */
export type Adjustment = NonNullable<ReportTotals['adjustments']>[number];
export type AdjustmentReason = Adjustment['reason'];
