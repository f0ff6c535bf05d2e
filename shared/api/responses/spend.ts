import * as z from 'zod';
import { SPEND_PROFILES } from '../../spend/imports/parse.ts';
import { PeriodSchema } from './common.ts';

const Profile = z.enum(SPEND_PROFILES);
const CostSchema = z.number().int().describe('Minor units');
const AliasesSchema = z.record(z.string(), z.array(z.string()));

export const SpendImportAnswerSchema = z.strictObject({
  importId: z.string(),
  importedAt: z.string(),
  profile: Profile.describe('The profile the file was read with (the one detected under profile=auto)'),
  account: z.string().describe('account=, else the file’s account (its first, when it has several: see accounts), else `default`'),
  accounts: z.array(z.string()),
  encoding: z.string().describe('utf-8, utf-16le or utf-16be'),
  delimiter: z.string(),
  dayZone: z.enum(['account', 'UTC']).describe('Whose days the file counts in: the ad account’s time zone, or UTC (LinkedIn); kept as they are'),
  preamble: z.array(z.string()).describe('The lines above the header: title, date range, Microsoft’s `Key: value` lines'),
  currencies: z.array(z.string()),
  days: z.strictObject({ from: z.string(), to: z.string() }),
  rows: z.number().int().describe('Data rows read'),
  lines: z.number().int().describe('Lines stored: rows summed per account, day, campaign and currency'),
  campaigns: z.number().int(),
  totals: z.array(z.strictObject({ currency: z.string(), cost: CostSchema, costDecimal: z.string() })),
  replaced: z.number().int().describe('Stored lines of the same key that this import replaced (a re-import never adds)'),
  skipped: z.strictObject({ blank: z.number().int(), totals: z.number().int(), footer: z.number().int() }),
  warnings: z.array(z.strictObject({ line: z.number().int(), message: z.string() })).describe('E.g. a cost with more decimals than the currency has, rounded half-even'),
});

export const SpendImportsAnswerSchema = z.strictObject({ imports: z.array(SpendImportAnswerSchema).describe('The latest 50, newest first') });

export const SpendMappingsAnswerSchema = z.strictObject({
  mappings: z.array(z.strictObject({ campaign: z.string(), campaignId: z.string(), platform: Profile.optional() })),
  aliases: AliasesSchema.describe('The tenant’s own alias lists, as set (platforms left out use their defaults): what PUT takes back'),
  defaultAliases: AliasesSchema,
  aliasesInEffect: AliasesSchema.describe('Per platform, the touch sources its spend pays for'),
});

export const SpendAuditAnswerSchema = PeriodSchema.extend({
  model: z.string().describe('The model whose revenue campaignsWithoutSpend shows: the tenant’s default (a heuristic one)'),
  spend: z
    .array(z.strictObject({ platform: z.enum([...SPEND_PROFILES, 'posted']), currency: z.string(), cost: CostSchema, matchedCost: CostSchema, unmatchedCost: CostSchema }))
    .describe('The period’s spend per platform (`posted` for POST /v1/spend) and currency, and how much of it matched touches'),
  unmatchedSpend: z
    .array(
      z.strictObject({
        platform: Profile,
        account: z.string(),
        campaignId: z.string().optional(),
        campaign: z.string(),
        currency: z.string(),
        cost: CostSchema,
        costDecimal: z.string(),
        days: z.number().int(),
        firstDay: z.string(),
        lastDay: z.string(),
      }),
    )
    .describe('Imported spend that matched no touch: map it (PUT /v1/spend/mappings) or tag the ads with utm_id'),
  campaignsWithoutSpend: z
    .array(z.strictObject({ campaign: z.string(), currency: z.string(), revenue: CostSchema, revenueDecimal: z.string(), conversions: z.number() }))
    .describe('Campaigns whose touches earned revenue in the period but that no spend pays for'),
});
