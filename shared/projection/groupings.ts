/**
 * The groupings the person projection counts rows under, and the reports
 * read them by. They sit here, apart from shared/projection/person.ts (which
 * reaches node:crypto), so the API's response schemas, and through them the
 * dashboard, read the same lists. Nothing here may import anything that
 * needs Node.
 */

export const GROUP_BYS = ['channel', 'campaign', 'source_medium', 'kind'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
/**
 * The rows the rollups and listings keep: the report's groupings, and a
 * channel's campaigns (`channel_campaign`, read by `groupBy=campaign&channel=…`),
 * whose key is the channel and the campaign joined by CHANNEL_CAMPAIGN_SEPARATOR.
 */
export const ROW_GROUPINGS = [...GROUP_BYS, 'channel_campaign'] as const;
export type RowGrouping = (typeof ROW_GROUPINGS)[number];
export const CHANNEL_CAMPAIGN_SEPARATOR = '\u001f';
/** The key of a channel's campaign row. */
export const channelCampaignKey = (channel: string, campaign: string): string => `${channel}${CHANNEL_CAMPAIGN_SEPARATOR}${campaign}`;
/** A channel's campaign row's key read back (a channel's name never holds the separator, a control character). */
export function channelCampaignOf(key: string): { channel: string; campaign: string } {
  const at = key.indexOf(CHANNEL_CAMPAIGN_SEPARATOR);
  return { channel: key.slice(0, at), campaign: key.slice(at + CHANNEL_CAMPAIGN_SEPARATOR.length) };
}
/** The groupings a person's funnel row is counted under (docs/contract.md#the-funnel). */
export const FUNNEL_GROUP_BYS = ['campaign', 'channel', 'source_medium'] as const;
export type FunnelGroupBy = (typeof FUNNEL_GROUP_BYS)[number];
export const SALES_DIMENSIONS = ['rep', 'sales_channel'] as const;
export type SalesDimension = (typeof SALES_DIMENSIONS)[number];
/** The groupings cohorts are read by (docs/contract.md#cohorts); `none` is every customer of the cohort as one row. */
export const COHORT_GROUP_BYS = ['none', 'channel', 'campaign', 'source_medium'] as const;
export type CohortGroupBy = (typeof COHORT_GROUP_BYS)[number];
/** The groupings cohort cells keep: `none` is the sum of the channel rows, read from them. */
export const COHORT_CELL_GROUP_BYS = ['channel', 'campaign', 'source_medium'] as const;
export type CohortCellGroupBy = (typeof COHORT_CELL_GROUP_BYS)[number];
/** The month offsets a cohort is read for at most (`months`). */
export const MAX_COHORT_MONTHS = 36;
