import type { ComponentChildren } from 'preact';
import type { Load } from '../load.ts';

export function Loading({ what }: { what: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite" data-state="loading">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <div class="state state-empty" data-state="empty">
      {children}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="state state-error" role="alert" data-state="error">
      <p>
        <strong>Could not load this view.</strong> {error.message}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders a load's data, or its loading and error states. */
export function Loaded<T>({ load, what, retry, children }: { load: Load<T>; what: string; retry: () => void; children: (data: T) => ComponentChildren }) {
  if (load.status === 'loading') return <Loading what={what} />;
  if (load.status === 'error') return <ErrorState error={load.error} retry={retry} />;
  return <>{children(load.data)}</>;
}

/** One headline figure. */
export function Kpi({ name, label, value, note }: { name: string; label: string; value: string; note?: string }) {
  return (
    <div class="kpi" data-figure={name}>
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{value}</span>
      {note && <span class="kpi-note">{note}</span>}
    </div>
  );
}

export function Kpis({ children }: { children: ComponentChildren }) {
  return <div class="kpis">{children}</div>;
}

export interface Column<R> {
  id: string;
  label: string;
  numeric?: boolean;
  render: (row: R) => ComponentChildren;
}

/** A row: its first column heads it (`th scope=row`), the others are its figures. */
function TableRow<R>({ row, rowKey, columns }: { row: R; rowKey: (row: R) => string; columns: Column<R>[] }) {
  return (
    <tr data-key={rowKey(row)}>
      {columns.map((column, index) =>
        index === 0 ? (
          <th scope="row" data-col={column.id} key={column.id}>
            {column.render(row)}
          </th>
        ) : (
          <td class={column.numeric ? 'num' : undefined} data-col={column.id} key={column.id}>
            {column.render(row)}
          </td>
        ),
      )}
    </tr>
  );
}

/**
 * A table of figures: each row is `data-key`, each cell `data-col`, so a
 * reader (or a test) finds a figure by what it is. Wide tables scroll in
 * their own focusable region.
 */
export function DataTable<R>({ name, caption, columns, rows, rowKey, footer }: { name: string; caption: string; columns: Column<R>[]; rows: R[]; rowKey: (row: R) => string; footer?: R[] }) {
  return (
    // A scrollable region must be reachable by keyboard (axe's scrollable-region-focusable): a labelled, focusable region.
    // biome-ignore lint/a11y/useSemanticElements: a <section> would add a landmark per table; a region role on the scroll container is what axe asks for
    // biome-ignore lint/a11y/noNoninteractiveTabindex: see above
    <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table data-table={name}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={column.numeric ? 'num' : undefined} key={column.id}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <TableRow key={rowKey(row)} row={row} rowKey={rowKey} columns={columns} />
          ))}
        </tbody>
        {footer && footer.length > 0 && (
          <tfoot>
            {footer.map((row) => (
              <TableRow key={rowKey(row)} row={row} rowKey={rowKey} columns={columns} />
            ))}
          </tfoot>
        )}
      </table>
    </div>
  );
}

/** A bar beside a figure, to compare rows at a glance; the figure itself is the text next to it. */
export function Bar({ value, max, tone = 'primary' }: { value: number; max: number; tone?: string }) {
  const width = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return (
    <span class="bar" aria-hidden="true">
      <span class={`bar-fill tone-${tone}`} style={{ width: `${width}%` }} />
    </span>
  );
}

export function Section({ title, children, description }: { title: string; description?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card">
      <h3>{title}</h3>
      {description && <p class="description">{description}</p>}
      {children}
    </section>
  );
}
