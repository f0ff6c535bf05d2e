import type { AttributionResult } from '../attribution/engine.ts';
import { HEURISTIC_MODELS } from '../attribution/models.ts';
import { countedOf } from '../exports/export.ts';
import type { ExportedTransaction } from '../exports/ports.ts';
import type { Identifier } from '../identity/identity.ts';
import { loggedId } from '../privacy/erasure.ts';
import type { Stage } from '../recording/stages.ts';
import type { Touch } from '../recording/touches.ts';
import type { LoggedTableName } from './ports.ts';
import type { WarehouseRow } from './tables.ts';

/**
 * A change of a stored record, as the table's stream reports it, and the
 * warehouse rows it becomes. Pure: the stream consumer derives the rows
 * when the change happens and keeps them (`change log`), so a window's file
 * is made of what changed in it, byte for byte the same however often it
 * is written.
 */
export type RecordChange =
  | { entity: 'touch'; op: Op; touch: Touch }
  | { entity: 'stage'; op: Op; stage: Stage }
  | { entity: 'transaction'; op: Op; transaction: ExportedTransaction }
  | { entity: 'attribution'; op: Op; attribution: { version: number; result: AttributionResult } }
  /** A rollup cell or spend line of a day changed: the day's `daily` figures are written again. */
  | { entity: 'figures'; op: Op; day: string };

export type Op = 'upsert' | 'delete';

export interface RowContext {
  tenantId: string;
  /** The tenant's day of an instant (its reporting calendar). */
  dayOf(at: string): string;
  /** The tenant's secret for keyed hashes (`cursorKey`, as the erasure log uses it). */
  hashKey: string;
  /** When the change was recorded (ISO): `updated_at`, and the version of records that carry none. */
  changedAt: string;
  /** Distinguishes changes of one batch recorded in the same millisecond (their stream order). */
  sequence: number;
}

export interface DerivedRows {
  table: LoggedTableName;
  rows: WarehouseRow[];
}

/**
 * A person in the warehouse: their record's first identifier as the erasure
 * log names it (`loggedId`, a keyed hash), never the identifier itself; an
 * erasure's logged ids name the rows to take out of the files. A delete row
 * (a touch or stage erased or expired) names no one: it needs only its key.
 */
const personOf = (record: { op: Op }, context: RowContext, identifier: Identifier) => (record.op === 'delete' ? '' : loggedId({ cursorKey: context.hashKey }, identifier));

/** What a delete row keeps of an optional field: nothing. */
const kept = <T>(record: { op: Op }, value: T | undefined): T | null => (record.op === 'delete' ? null : (value ?? null));

/** Records that carry no version of their own are versioned by when they changed: later changes of a key come later in its stream. */
const changeVersion = (context: RowContext) => Date.parse(context.changedAt) * 1000 + context.sequence;

const change = (op: Op, version: number, context: RowContext) => ({ op, version, updated_at: context.changedAt });

export function rowsOf(record: RecordChange, context: RowContext): DerivedRows {
  const tenant_id = context.tenantId;
  switch (record.entity) {
    case 'touch': {
      const { touch } = record;
      return {
        table: 'touches',
        rows: [
          {
            tenant_id,
            touch_id: touch.touchId,
            person: personOf(record, context, touch.identifiers[0]!),
            occurred_at: touch.occurredAt,
            kind: touch.kind,
            side: touch.side,
            channel: touch.channel,
            source: kept(record, touch.source),
            medium: kept(record, touch.medium),
            campaign: kept(record, touch.campaign),
            campaign_id: kept(record, touch.campaignId),
            term: kept(record, touch.term),
            content: kept(record, touch.content),
            url: kept(record, touch.url),
            referrer: kept(record, touch.referrer),
            rep: kept(record, touch.rep),
            cost_minor: kept(record, touch.cost?.amount),
            cost_currency: kept(record, touch.cost?.currency),
            ...change(record.op, changeVersion(context), context),
          },
        ],
      };
    }
    case 'stage': {
      const { stage } = record;
      return {
        table: 'stages',
        rows: [
          {
            tenant_id,
            stage_id: stage.stageId,
            person: personOf(record, context, stage.identifiers[0]!),
            stage: stage.stage,
            occurred_at: stage.occurredAt,
            reason: kept(record, stage.reason),
            ...change(record.op, changeVersion(context), context),
          },
        ],
      };
    }
    case 'transaction': {
      const { transaction } = record;
      const { status, amounts } = countedOf(transaction);
      return {
        table: 'transactions',
        rows: [
          {
            tenant_id,
            transaction_id: transaction.transactionId,
            provider: transaction.provider,
            external_id: transaction.externalId,
            kind: transaction.kind,
            status,
            order_id: transaction.orderId ?? null,
            occurred_at: transaction.occurredAt,
            local_day: context.dayOf(transaction.occurredAt),
            currency: transaction.currency,
            gross_minor: amounts.gross,
            discount_minor: amounts.discount,
            net_minor: amounts.net,
            tax_minor: amounts.tax,
            shipping_minor: amounts.shipping,
            total_minor: amounts.total,
            sales_channel: transaction.salesChannel,
            rep: transaction.rep ?? null,
            sourced_by: transaction.attributionSummary?.sourcedBy ?? null,
            boundary_at: transaction.attributionSummary?.boundaryAt ?? null,
            ...change(record.op, changeVersion(context), context),
          },
        ],
      };
    }
    case 'attribution':
      return { table: 'credits', rows: creditRows(record.attribution, record.op, context) };
    case 'figures':
      return { table: 'daily', rows: [{ local_day: record.day }] };
  }
}

/**
 * An order's whole credit set under one version: each heuristic model's
 * credit to each touch, and what no touch earned as a row without a touch
 * (channel `(none)`), so each model's rows sum to the order's revenue.
 */
function creditRows(attribution: { version: number; result: AttributionResult }, op: Op, context: RowContext): WarehouseRow[] {
  const { result } = attribution;
  const base = {
    tenant_id: context.tenantId,
    transaction_id: result.transactionId,
    currency: result.currency,
    revenue_minor: result.revenue,
    occurred_at: result.occurredAt,
    local_day: context.dayOf(result.occurredAt),
  };
  const fraction = (amount: number) => (result.revenue === 0 ? 0 : amount / result.revenue);
  const rows: WarehouseRow[] = [];
  for (const model of HEURISTIC_MODELS) {
    for (const credit of result.marketing.credits[model]) {
      rows.push({
        ...base,
        model,
        touch_id: credit.touchId,
        channel: credit.channel,
        campaign: credit.campaign,
        rep: null,
        credit_minor: credit.amount,
        fraction: fraction(credit.amount),
        ...change(op, attribution.version, context),
      });
    }
    const unattributed = result.revenue - result.marketing.credits[model].reduce((sum, credit) => sum + credit.amount, 0);
    if (unattributed !== 0 || result.marketing.credits[model].length === 0) {
      rows.push({
        ...base,
        model,
        touch_id: null,
        channel: '(none)',
        campaign: null,
        rep: null,
        credit_minor: unattributed,
        fraction: fraction(unattributed),
        ...change(op, attribution.version, context),
      });
    }
  }
  return rows;
}
