import type { ExportQuery } from '../../../shared/exports/export.ts';
import { query } from '../api.ts';
import { Download } from '../components/download.tsx';
import { Picker } from '../components/toolbar.tsx';
import { DataTable, Empty, Loaded, Section } from '../components/ui.tsx';
import { count, money } from '../format.ts';
import { useApi } from '../load.ts';
import { monthPeriod, today } from '../period.ts';
import type { ExportSummary, ExportSums } from '../types.ts';
import type { ViewProps } from '../view.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

type Flavor = ExportQuery['flavor'];

/** What the download is for (docs/finance.md): people open it in Excel; scripts read the raw file. */
const FLAVORS: Array<{ value: Flavor; label: string }> = [
  { value: 'excel', label: 'Excel' },
  { value: 'raw', label: 'raw (for scripts)' },
];

/** A month's export (CSV, downloaded with the key in a header, never in a link) and the summary it reconciles to. */
export function Finance({ session, params, setParams, onUnauthorized }: ViewProps) {
  const { timezone } = session.me;
  const chosen = params.get('month') ?? '';
  const month = MONTH.test(chosen) ? chosen : today(timezone).slice(0, 7);
  const flavor: Flavor = params.get('flavor') === 'raw' ? 'raw' : 'excel';
  const period = monthPeriod(month);
  const [load, retry] = useApi<ExportSummary>(`/v1/exports/transactions/summary${query({ ...period })}`, session.key, onUnauthorized);
  return (
    <>
      <form class="toolbar" aria-label="Month" onSubmit={(event) => event.preventDefault()}>
        <label class="picker">
          Month ({timezone})
          <input
            type="month"
            name="month"
            value={month}
            max={today(timezone).slice(0, 7)}
            onChange={(event) => MONTH.test(event.currentTarget.value) && setParams({ month: event.currentTarget.value })}
          />
        </label>
        <Picker label="File for" name="flavor" value={flavor} options={FLAVORS} onChange={(next) => setParams({ flavor: next })} />
        <Download
          sessionKey={session.key}
          path={`/v1/exports/transactions${query({ ...period, format: 'csv', flavor })}`}
          fallbackName={`${session.me.tenantId}-transactions-${period.from}-to-${period.to}${flavor === 'excel' ? '-excel' : ''}.csv`}
          label={`Download the month’s export (${flavor === 'excel' ? 'CSV for Excel' : 'raw CSV'})`}
          busyLabel="Preparing the export…"
        />
      </form>
      <Loaded load={load} what="the month's summary" retry={retry}>
        {(summary) => <SummaryTable summary={summary} month={month} />}
      </Loaded>
    </>
  );
}

const SUMS: Array<{ id: keyof ExportSums; label: string; money?: boolean }> = [
  { id: 'orders', label: 'Orders' },
  { id: 'refunds', label: 'Refunds' },
  { id: 'cancellations', label: 'Cancellations' },
  { id: 'gross', label: 'Gross', money: true },
  { id: 'discount', label: 'Discount', money: true },
  { id: 'net', label: 'Net', money: true },
  { id: 'tax', label: 'Tax', money: true },
  { id: 'shipping', label: 'Shipping', money: true },
  { id: 'total', label: 'Total', money: true },
  { id: 'revenue', label: 'Revenue', money: true },
];

function SummaryTable({ summary, month }: { summary: ExportSummary; month: string }) {
  if (summary.currencies.length === 0) {
    return (
      <Empty>
        <p>
          <strong>No transactions in {month}.</strong> The export will be empty: orders, refunds and cancellations appear here as the storefront sends them.
        </p>
      </Empty>
    );
  }
  return (
    <Section
      title={`Summary of ${month}`}
      description="The sums of the export's lines per currency: orders, refunds and cancellations each counted on their own date. Revenue is orders' net less refunds' and cancellations' net, as the reports count it."
    >
      <DataTable<ExportSums>
        name="summary"
        caption={`Export summary, ${summary.from} to ${summary.to}`}
        rows={summary.currencies}
        rowKey={(line) => line.currency}
        columns={[
          { id: 'currency', label: 'Currency', render: (line) => line.currency },
          ...SUMS.map((sum) => ({
            id: sum.id,
            label: sum.label,
            numeric: true,
            render: (line: ExportSums) => (sum.money ? money(line[sum.id] as number, line.currency) : count(line[sum.id] as number)),
          })),
        ]}
      />
    </Section>
  );
}
