import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Load, Pages } from '../load.ts';

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

/** One headline figure; with `href`, it opens what it is made of. */
export function Kpi({ name, label, value, note, href }: { name: string; label: string; value: string; note?: ComponentChildren; href?: string }) {
  return (
    <div class="kpi" data-figure={name}>
      <span class="kpi-label">{label}</span>
      {href ? (
        <a class="kpi-value" href={href} data-drill>
          {value}
        </a>
      ) : (
        <span class="kpi-value">{value}</span>
      )}
      {note && <span class="kpi-note">{note}</span>}
    </div>
  );
}

export function Kpis({ children }: { children: ComponentChildren }) {
  return <div class="kpis">{children}</div>;
}

/** What a cell says about itself besides its text: a class (a heat-map's tone) and `data-` attributes (the exact figure, for a reader or a test). */
export type CellProps = { class?: string | undefined } & { [name: `data-${string}`]: string | undefined };

export interface Column<R> {
  id: string;
  label: ComponentChildren;
  numeric?: boolean;
  render: (row: R) => ComponentChildren;
  /** The cell's own class and data attributes, per row. */
  cell?: (row: R) => CellProps;
}

function cellOf<R>(column: Column<R>, row: R): CellProps {
  const own = column.cell?.(row) ?? {};
  const classes = [column.numeric ? 'num' : undefined, own.class].filter(Boolean).join(' ');
  return { ...own, class: classes || undefined };
}

/**
 * A row: its first column heads it (`th scope=row`), the others are its
 * figures. A row that opens what it is made of has its heading as a link
 * (what the keyboard and screen readers use); a click anywhere else on the
 * row follows the same link, for the mouse.
 */
function TableRow<R>({ row, rowKey, columns, rowHref }: { row: R; rowKey: (row: R) => string; columns: Column<R>[]; rowHref: ((row: R) => string | undefined) | undefined }) {
  const target = rowHref?.(row);
  const open = (event: MouseEvent) => {
    if (!target || event.defaultPrevented || event.button !== 0) return;
    if ((event.target as Element).closest('a, button, input, select')) return;
    if (getSelection()?.toString()) return; // selecting a figure to copy it is not a click on the row
    location.hash = target.slice(1);
  };
  return (
    <tr data-key={rowKey(row)} class={target ? 'drill' : undefined} onClick={target ? open : undefined}>
      {columns.map((column, index) =>
        index === 0 ? (
          <th scope="row" data-col={column.id} key={column.id} {...cellOf(column, row)}>
            {target ? (
              <a href={target} data-drill>
                {column.render(row)}
              </a>
            ) : (
              column.render(row)
            )}
          </th>
        ) : (
          <td data-col={column.id} key={column.id} {...cellOf(column, row)}>
            {column.render(row)}
          </td>
        ),
      )}
    </tr>
  );
}

type Overflow = { left: boolean; right: boolean };

/** Whether a scroll container hides columns to its left or right, kept up to date as it scrolls and resizes. */
function useOverflow(element: { current: HTMLElement | null }): Overflow {
  const [overflow, setOverflow] = useState<Overflow>({ left: false, right: false });
  useLayoutEffect(() => {
    const host = element.current;
    if (!host) return;
    const measure = () => {
      const left = host.scrollLeft > 1;
      const right = host.scrollLeft + host.clientWidth < host.scrollWidth - 1;
      setOverflow((now) => (now.left === left && now.right === right ? now : { left, right }));
    };
    measure();
    host.addEventListener('scroll', measure, { passive: true });
    const resize = new ResizeObserver(measure);
    resize.observe(host);
    if (host.firstElementChild) resize.observe(host.firstElementChild);
    return () => {
      host.removeEventListener('scroll', measure);
      resize.disconnect();
    };
  }, []);
  return overflow;
}

/**
 * A table of figures: each row is `data-key`, each cell `data-col`, so a
 * reader (or a test) finds a figure by what it is. Wide tables scroll in
 * their own focusable region, and say so: a line above the table and a
 * shadow on the side where columns are hidden; the first column stays put
 * while the others scroll.
 */
export function DataTable<R>({
  name,
  caption,
  columns,
  rows,
  rowKey,
  footer,
  rowHref,
}: {
  name: string;
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  footer?: R[];
  /** Where a row leads (`#/…`), if it opens what it is made of. */
  rowHref?: (row: R) => string | undefined;
}) {
  const host = useRef<HTMLDivElement>(null);
  const overflow = useOverflow(host);
  const hidden = overflow.left || overflow.right;
  return (
    <div class="table-frame" data-hides-right={overflow.right ? '' : undefined}>
      {hidden && (
        <p class="scroll-hint" data-scroll-hint>
          <span aria-hidden="true">⇆</span> Wide table: scroll sideways for {overflow.right ? 'more columns' : 'the first columns'}
          {overflow.right ? ' →' : ''}
        </p>
      )}
      {/* A scrollable region must be reachable by keyboard (axe's scrollable-region-focusable): a labelled, focusable region. */}
      {/* biome-ignore lint/a11y/useSemanticElements: a <section> would add a landmark per table; a region role on the scroll container is what axe asks for */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: see above */}
      <div class={`table-wrap${overflow.left ? ' hides-left' : ''}${overflow.right ? ' hides-right' : ''}`} role="region" aria-label={caption} tabIndex={0} ref={host}>
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
              <TableRow key={rowKey(row)} row={row} rowKey={rowKey} columns={columns} rowHref={rowHref} />
            ))}
          </tbody>
          {footer && footer.length > 0 && (
            <tfoot>
              {footer.map((row) => (
                <TableRow key={rowKey(row)} row={row} rowKey={rowKey} columns={columns} rowHref={undefined} />
              ))}
            </tfoot>
          )}
        </table>
      </div>
    </div>
  );
}

/** A one-line note beside a figure: what it counts, when another view counts the same period differently. */
export function Note({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <p class="note" data-note={name}>
      <span class="note-mark" aria-hidden="true">
        i
      </span>
      <span>{children}</span>
    </p>
  );
}

/** A row key as shown: `(none)` says what it stands for in this table. */
export function KeyText({ value, none }: { value: string; none: string }) {
  if (value !== '(none)') return <>{value}</>;
  return (
    <>
      (none) <span class="key-note">{none}</span>
    </>
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

/** The "Show more" of a paged list (`usePages`), and why its last page did not load. */
export function ShowMore({ pages, what }: { pages: Pick<Pages<unknown>, 'more' | 'moreState' | 'loadMore'>; what: string }) {
  return (
    <>
      {pages.more && (
        <p>
          <button type="button" onClick={pages.loadMore} disabled={pages.moreState === 'loading'} data-action={`more-${what}`}>
            {pages.moreState === 'loading' ? 'Loading…' : `Show more ${what}`}
          </button>
        </p>
      )}
      {pages.moreState instanceof Error && (
        <p class="field-error" role="alert">
          {pages.moreState.message}
        </p>
      )}
    </>
  );
}
