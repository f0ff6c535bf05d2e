/**
 * The warehouse's tables, declared once (docs/warehouse.md): the Parquet
 * writer's schema, the Glue tables of the stack and the views' column types
 * all come from here, so no column's type is ever inferred from data.
 *
 * Money is INT64 minor units beside its currency; instants are UTC
 * timestamps in milliseconds; every row carries `tenant_id`, `op`, `version`
 * and `updated_at`. The files sit in Hive-style partitions `tenant=<id>` and
 * `day=<UTC day written>`, which are not columns of the files.
 */

/** Bumped when a column changes meaning or type; written in each manifest. */
export const WAREHOUSE_SCHEMA_VERSION = 1;

export type ColumnType = 'string' | 'int64' | 'double' | 'timestamp';

export interface Column {
  name: string;
  type: ColumnType;
  nullable?: true;
}

export interface WarehouseTable {
  name: WarehouseTableName;
  /** What one row is, and the columns naming its key: `<name>_current` keeps each key's latest version. */
  grain: string;
  key: readonly string[];
  /**
   * `row`: each row is its own key's version. `set`: a key's rows are written together, all under one
   * version (an order's credits), and the current set is the latest version's rows.
   */
  versioning: 'row' | 'set';
  /** In a `set` table, what names a row within its key's set (a change recorded twice gives the same rows twice). */
  member?: readonly string[];
  columns: readonly Column[];
}

export const WAREHOUSE_TABLE_NAMES = ['touches', 'stages', 'transactions', 'credits', 'daily'] as const;
/** The tables made of the change log's rows; `daily` is read from the rollups for the days a window changed. */
export const LOGGED_TABLE_NAMES = ['touches', 'stages', 'transactions', 'credits'] as const satisfies readonly WarehouseTableName[];
export type WarehouseTableName = (typeof WAREHOUSE_TABLE_NAMES)[number];
/**
 * What the change log keeps: the logged tables' rows, and under `daily` the
 * days whose figures changed (a rollup cell or a spend line of the day),
 * each as a row `{local_day}`: the days whose `daily` rows a window writes.
 */
export const CHANGE_LOG_NAMES = [...LOGGED_TABLE_NAMES, 'daily'] as const satisfies readonly WarehouseTableName[];

const text = (name: string): Column => ({ name, type: 'string' });
const optionalText = (name: string): Column => ({ name, type: 'string', nullable: true });
const int64 = (name: string): Column => ({ name, type: 'int64' });
const optionalInt64 = (name: string): Column => ({ name, type: 'int64', nullable: true });
const instant = (name: string): Column => ({ name, type: 'timestamp' });
const optionalInstant = (name: string): Column => ({ name, type: 'timestamp', nullable: true });

/** What every row ends with: the change it is. */
const CHANGE_COLUMNS: readonly Column[] = [text('op'), int64('version'), instant('updated_at')];

export const WAREHOUSE_TABLES: Readonly<Record<WarehouseTableName, WarehouseTable>> = {
  touches: {
    name: 'touches',
    grain: 'a marketing or sales touch',
    key: ['tenant_id', 'touch_id'],
    versioning: 'row',
    columns: [
      text('tenant_id'),
      text('touch_id'),
      text('person'),
      instant('occurred_at'),
      text('kind'),
      text('side'),
      text('channel'),
      optionalText('source'),
      optionalText('medium'),
      optionalText('campaign'),
      optionalText('campaign_id'),
      optionalText('term'),
      optionalText('content'),
      optionalText('url'),
      optionalText('referrer'),
      optionalText('rep'),
      optionalInt64('cost_minor'),
      optionalText('cost_currency'),
      ...CHANGE_COLUMNS,
    ],
  },
  stages: {
    name: 'stages',
    grain: 'a funnel stage a person reached',
    key: ['tenant_id', 'stage_id'],
    versioning: 'row',
    columns: [text('tenant_id'), text('stage_id'), text('person'), text('stage'), instant('occurred_at'), optionalText('reason'), ...CHANGE_COLUMNS],
  },
  transactions: {
    name: 'transactions',
    grain: 'an order, refund or cancellation: the finance export’s line',
    key: ['tenant_id', 'transaction_id'],
    versioning: 'row',
    columns: [
      text('tenant_id'),
      text('transaction_id'),
      text('provider'),
      text('external_id'),
      text('kind'),
      text('status'),
      optionalText('order_id'),
      instant('occurred_at'),
      text('local_day'),
      text('currency'),
      int64('gross_minor'),
      int64('discount_minor'),
      int64('net_minor'),
      int64('tax_minor'),
      int64('shipping_minor'),
      int64('total_minor'),
      text('sales_channel'),
      optionalText('rep'),
      optionalText('sourced_by'),
      optionalInstant('boundary_at'),
      ...CHANGE_COLUMNS,
    ],
  },
  credits: {
    name: 'credits',
    grain: 'an order’s credit to a touch under a model (the unattributed rest as a row without a touch)',
    key: ['tenant_id', 'transaction_id'],
    versioning: 'set',
    member: ['model', 'touch_id'],
    columns: [
      text('tenant_id'),
      text('transaction_id'),
      text('model'),
      optionalText('touch_id'),
      text('channel'),
      optionalText('campaign'),
      optionalText('rep'),
      text('currency'),
      int64('credit_minor'),
      int64('revenue_minor'),
      { name: 'fraction', type: 'double' },
      instant('occurred_at'),
      text('local_day'),
      ...CHANGE_COLUMNS,
    ],
  },
  daily: {
    name: 'daily',
    grain: 'a day’s figures of a report row (model × dimension × key × currency), and each currency’s total (dimension `total`)',
    key: ['tenant_id', 'local_day'],
    versioning: 'set',
    member: ['model', 'dimension', 'key', 'currency'],
    columns: [
      text('tenant_id'),
      text('local_day'),
      text('model'),
      // Not `grouping`: Trino reserves that word.
      text('dimension'),
      text('key'),
      text('currency'),
      int64('revenue_minor'),
      { name: 'conversions', type: 'double' },
      int64('touches'),
      optionalInt64('cost_minor'),
      ...CHANGE_COLUMNS,
    ],
  },
};

/** A row as the exporter holds it: instants as ISO strings, money as integers (exact: minor units stay below 2^53). */
export type WarehouseRow = Record<string, string | number | null>;
