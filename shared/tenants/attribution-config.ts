import * as z from 'zod';
import { HEURISTIC_MODELS } from '../attribution/models.ts';
import { ChannelRuleSchema } from '../channels/rule-schema.ts';
import { PAYMENT_REFERRERS } from '../channels/sites.ts';
import { TimezoneSchema } from '../time/days.ts';
import { CurrencySchema } from './tenant.ts';

/** A storefront origin as browsers send it (`https://shop.example`, a port if any, no path), or `null` (sandboxed frames such as Shopify's custom pixels). */
export const OriginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((origin) => {
    if (origin === 'null') return true;
    try {
      const url = new URL(origin);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
    } catch {
      return false;
    }
  }, 'an origin such as https://shop.example (scheme, host and port only), or "null"');

/** A host name (`paypal.com`): it and its subdomains. */
const HostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, 'a host name such as paypal.com');

/** The events that can end marketing's part of a journey (docs/contract.md#the-line-between-marketing-and-sales). */
export const BOUNDARY_EVENTS = ['sales_touch', 'qualified'] as const;

const PositionBasedSchema = z
  .object({ first: z.number().min(0).max(1), last: z.number().min(0).max(1) })
  .refine((share) => share.first + share.last <= 1, { message: 'first + last must not exceed 1', path: ['last'] });

export const MIN_RETENTION_DAYS = 120;

/** Each field of docs/contract.md#the-line-between-marketing-and-sales's tenant config table, with its bounds. */
export const AttributionConfigSchema = z.object({
  lookbackDays: z.number().int().min(1).max(90),
  viewThroughHours: z.number().int().min(0).max(720),
  boundary: z
    .array(z.enum(BOUNDARY_EVENTS))
    .max(BOUNDARY_EVENTS.length)
    .refine((events) => new Set(events).size === events.length, { message: 'boundary events must not repeat' }),
  resetOnOrder: z.boolean(),
  collapseRepeats: z.boolean(),
  positionBased: PositionBasedSchema,
  timeDecayHalfLifeDays: z.number().positive().max(365),
  defaultModel: z.enum(HEURISTIC_MODELS),
  timezone: TimezoneSchema,
  channelRules: z.array(ChannelRuleSchema).max(100),
  /** The promise of how fast sales picks up a qualified person (docs/contract.md#the-handoff). */
  handoffSlaHours: z.number().int().min(1).max(720),
  /**
   * Whether people pick up the baton (docs/contract.md#the-handoff). A store without a sales
   * team (false) hands it to its checkout: a started checkout is the
   * qualification, the order completes the handoff, and an abandoned
   * checkout is the dropped baton. Tenants created before it have one.
   */
  salesTeam: z.boolean(),
  /** Storefront origins whose browsers may send `POST /v1/collect` (docs/contract.md#collection-from-the-storefront). */
  allowedOrigins: z.array(OriginSchema).max(50),
  /** Hosts that never make a referral touch: payment pages and the store's own domains (docs/contract.md#collection-from-the-storefront). */
  referrerExclusions: z.array(HostSchema).max(500),
  /** Collect nothing that identifies a browser before it consented (docs/contract.md#collection-from-the-storefront, §10). */
  consentRequired: z.boolean(),
  /**
   * Touches, stages and identity links expire this many days after they
   * happened (docs/contract.md#privacy-and-the-data-lifecycle). At least the longest lookback plus a month, so an
   * order's journey is complete for a month before its days are final.
   */
  retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(3650),
  /** What of a customer's revenue is margin, for cohorts' margin per customer and payback (docs/contract.md#cohorts); null or absent: payback on revenue. */
  grossMarginPercent: z.number().gt(0).max(100).multipleOf(0.01).nullable().optional(),
  /**
   * The one currency `currency=reporting` answers in (SPEC §14), converted at
   * the tenant's own rates (`PUT /v1/fx-rates`); null or absent: none, each
   * currency is reported on its own.
   */
  reportingCurrency: CurrencySchema.nullable().optional(),
  /**
   * How old a rate may be and still convert an amount: the latest rate on or
   * before the amount's day, at most this many days before it (SPEC §14); null
   * or absent: {@link DEFAULT_FX_MAX_AGE_DAYS}. 0 takes the day's own rate only.
   */
  fxMaxAgeDays: z.number().int().min(0).max(31).nullable().optional(),
});

/** `fxMaxAgeDays` when the tenant has not set it: a week covers weekends and holidays, when central banks publish none. */
export const DEFAULT_FX_MAX_AGE_DAYS = 7;

/** The tenant's `fxMaxAgeDays`, or the default. */
export function fxMaxAgeDaysOf(config: Pick<AttributionConfig, 'fxMaxAgeDays'>): number {
  return config.fxMaxAgeDays ?? DEFAULT_FX_MAX_AGE_DAYS;
}

export type AttributionConfig = z.infer<typeof AttributionConfigSchema>;

/** `PATCH /v1/config`: the fields it names, nothing else. */
export const AttributionConfigPatchSchema = AttributionConfigSchema.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one field to change' });

export type AttributionConfigPatch = z.infer<typeof AttributionConfigPatchSchema>;

export function defaultAttributionConfig(timezone: string): AttributionConfig {
  return {
    lookbackDays: 30,
    viewThroughHours: 24,
    boundary: ['sales_touch', 'qualified'],
    resetOnOrder: true,
    collapseRepeats: false,
    positionBased: { first: 0.4, last: 0.4 },
    timeDecayHalfLifeDays: 7,
    defaultModel: 'last_non_direct',
    timezone,
    channelRules: [],
    handoffSlaHours: 24,
    salesTeam: true,
    allowedOrigins: [],
    referrerExclusions: [...PAYMENT_REFERRERS],
    consentRequired: false,
    retentionDays: 400,
  };
}

/**
 * What changing each field does to what is already counted (the PATCH
 * answer says it): `recompute` — applies to transactions recorded after
 * the change, and `POST /v1/attribution/recompute` re-attributes earlier
 * ones; `later_touches` — channels are derived when a touch is recorded,
 * and expiry is set when a touch, stage or link is written;
 * `none` — read when used (the export's model), or kept by day (a time
 * zone applies from the next day on, earlier days stay in theirs).
 */
export const CHANGE_EFFECTS: Record<keyof AttributionConfig, 'recompute' | 'later_touches' | 'none'> = {
  lookbackDays: 'recompute',
  viewThroughHours: 'recompute',
  boundary: 'recompute',
  resetOnOrder: 'recompute',
  collapseRepeats: 'recompute',
  positionBased: 'recompute',
  timeDecayHalfLifeDays: 'recompute',
  defaultModel: 'none',
  timezone: 'none',
  channelRules: 'later_touches',
  handoffSlaHours: 'recompute',
  salesTeam: 'recompute',
  allowedOrigins: 'none',
  referrerExclusions: 'later_touches',
  consentRequired: 'none',
  // Set on records as they are written; `npm run tenant -- apply-retention` sets it on those written before.
  retentionDays: 'later_touches',
  // Read by GET /v1/cohorts when it answers.
  grossMarginPercent: 'none',
  // Applied as the projection converts each fact: figures counted before are in the earlier currency (or rates) until recomputed.
  reportingCurrency: 'recompute',
  fxMaxAgeDays: 'recompute',
};
