/** The API's answers as the dashboard reads them (SPEC §5, §5.1, §5.2, §6; docs/openapi.json). Amounts are minor units. */

export type Scope = 'ingest' | 'marketing' | 'finance' | 'admin' | 'publishable';

export interface Me {
  tenantId: string;
  scope: Scope;
  currency: string;
  timezone: string;
}

interface PeriodAnswer {
  from: string;
  to: string;
  timezone?: string;
}

export interface ReportRow {
  day?: string;
  key: string;
  currency: string;
  revenue: number;
  conversions: number;
  touches: number;
  cost?: number;
  roas?: number | null;
  cpa?: number | null;
}

export interface ReportTotals {
  day?: string;
  currency: string;
  revenue: number;
  attributed: number;
  unattributed: number;
  transactions: number;
  cost?: number;
  roas?: number | null;
}

export interface Report extends PeriodAnswer {
  model: string;
  groupBy: string;
  rows: ReportRow[];
  totals: ReportTotals[];
}

export interface Compare extends PeriodAnswer {
  groupBy: string;
  models: Record<string, ReportRow[]>;
  totals: ReportTotals[];
}

export const DISQUALIFICATION_REASONS = ['no_budget', 'no_interest', 'wrong_fit', 'unreachable', 'other'] as const;
export type DisqualificationReason = (typeof DISQUALIFICATION_REASONS)[number];

export interface FunnelMeasures {
  acquired: number;
  leads: number;
  qualified: number;
  disqualified: Record<DisqualificationReason, number>;
  customers: number;
  orders: number;
  revenue: Array<{ currency: string; revenue: number; ordered: number; refunded: number; refundRate: number | null }>;
  refundRate: number | null;
  medianMarketingCycleHours: number | null;
  medianSalesCycleHours: number | null;
  touches: number;
  peopleReached: number;
}

export interface Funnel extends PeriodAnswer {
  groupBy: string;
  rows: Array<FunnelMeasures & { key: string }>;
  totals: FunnelMeasures;
}

export interface DroppedBaton {
  identifiers: string[];
  qualifiedAt: string;
  deadline: string;
  acquiringCampaign: string | null;
}

export interface Handoffs extends PeriodAnswer {
  slaHours: number;
  qualified: number;
  contacted: number;
  withinSla: number;
  medianHours: number | null;
  p90Hours: number | null;
  dropped: DroppedBaton[];
  nextCursor?: string;
}

export interface SalesReport extends PeriodAnswer {
  groupBy: string;
  rows: Array<{ key: string; currency: string; revenue: number; orders: number; sourcedBy: { marketing: number; sales: number; none: number }; medianHoursToOrder: number | null }>;
  totals: Array<{ currency: string; revenue: number; transactions: number }>;
}

export interface Paths extends PeriodAnswer {
  distinctPaths: number;
  paths: Array<{ path: string[]; orders: number; revenue: Array<{ currency: string; amount: number }> }>;
  pathLengths: Array<{ touches: string; orders: number }>;
  timeLags: Array<{ days: string; orders: number }>;
}

export interface Touch {
  touchId: string;
  occurredAt: string;
  side: 'marketing' | 'sales';
  kind: string;
  channel: string;
  campaign: string | null;
  source?: string | null;
  medium?: string | null;
  rep?: string | null;
}

export interface Attribution {
  transactionId: string;
  occurredAt: string;
  currency: string;
  revenue: number;
  boundary: { at: string; reason: 'sales_touch' | 'qualified' | 'transaction' };
  sourcedBy: 'marketing' | 'sales' | 'none';
  marketing: { touches: Touch[]; credits: Record<string, Array<{ touchId: string; channel: string; campaign: string | null; amount: number }>>; unattributed: number };
  sales: { salesChannel: string; touches: Touch[]; credits: Array<{ touchId: string; rep: string | null; amount: number }> };
  afterBoundary: Touch[];
}

export interface Journey {
  identifiers: string[];
  transactions: Array<{ transactionId: string; kind: string; occurredAt: string; currency: string; net?: number }>;
}

export interface ExportSums {
  currency: string;
  orders: number;
  refunds: number;
  cancellations: number;
  pending: number;
  conflicts: number;
  gross: number;
  discount: number;
  net: number;
  tax: number;
  shipping: number;
  total: number;
  revenue: number;
}

export interface ExportSummary extends PeriodAnswer {
  currencies: ExportSums[];
}
