import * as z from 'zod';
import { SCOPES } from '../../auth/scopes.ts';
import { AttributionConfigSchema } from '../../tenants/attribution-config.ts';
import { CalendarSchema } from '../../time/calendar.ts';

export const KeyViewSchema = z.strictObject({
  tenantId: z.string(),
  scope: z.enum(SCOPES).describe('What the key may do: one scope per key'),
  currency: z.string().describe('The tenant’s reporting currency'),
  timezone: z.string().describe('The zone the tenant’s reporting days are counted in from today'),
});

export const ConfigViewSchema = z.strictObject({
  ...AttributionConfigSchema.shape,
  version: z.number().int(),
  updatedAt: z.iso.datetime(),
  calendar: CalendarSchema.readonly().describe('Which time zone each reporting day is in: a timezone change applies from the next day on (`from`), earlier days keep theirs'),
});

export const ConfigChangeSchema = ConfigViewSchema.extend({
  recompute: z.strictObject({
    advised: z.boolean().describe('Fields changed that apply to transactions recorded from now on: POST /v1/attribution/recompute re-attributes earlier periods'),
    fields: z.array(z.string()),
    laterTouchesOnly: z.array(z.string()).describe('Fields that apply to touches recorded from now on (channel rules)'),
    message: z.string(),
  }),
});

export type ConfigView = z.infer<typeof ConfigViewSchema>;
export type ConfigChange = z.infer<typeof ConfigChangeSchema>;
