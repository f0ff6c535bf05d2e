import { query } from '../api.ts';
import { personLabel } from '../drill.ts';
import { count, instant, label } from '../format.ts';
import { usePages } from '../load.ts';
import type { Period } from '../period.ts';
import type { RowPeople, RowPerson } from '../types.ts';
import { DataTable, Empty, ErrorState, Loading, ShowMore } from './ui.tsx';

const outcome = (reached: boolean) => (reached ? 'yes' : '—');

/** The people a funnel row counts (`GET /v1/funnel/people`): acquired in the period under its key, newest first; each opens their journey. */
export function RowPeopleList({
  sessionKey,
  timezone,
  period,
  groupBy,
  rowKey,
  personHref,
  onUnauthorized,
}: {
  sessionKey: string;
  timezone: string;
  period: Period;
  groupBy: string;
  rowKey: string;
  personHref: (person: string) => string;
  onUnauthorized: () => void;
}) {
  const pages = usePages<RowPeople, RowPerson>(
    [`/v1/funnel/people${query({ from: period.from, to: period.to, groupBy, key: rowKey, limit: 50 })}`],
    (answer) => answer.people,
    (person) => person.acquiredAt,
    sessionKey,
    onUnauthorized,
  );
  const { load } = pages;
  if (load.status === 'loading') return <Loading what="the people" />;
  if (load.status === 'error') return <ErrorState error={load.error} retry={pages.retry} />;
  if (load.data.length === 0) {
    return (
      <Empty>
        <p>Nobody was acquired under this row in the period.</p>
      </Empty>
    );
  }
  return (
    <>
      <DataTable<RowPerson>
        name="people"
        caption={`People acquired, newest first${pages.more ? ' (more to load)' : ''}`}
        rows={load.data}
        rowKey={(person) => person.person}
        rowHref={(person) => personHref(person.person)}
        columns={[
          { id: 'person', label: 'Person', render: (person) => personLabel(person.identifiers.length > 0 ? person.identifiers : [person.person]) },
          { id: 'acquiredAt', label: `Acquired (${timezone})`, render: (person) => instant(person.acquiredAt, timezone) },
          { id: 'lead', label: 'Lead', render: (person) => outcome(person.lead) },
          { id: 'qualified', label: 'Qualified', render: (person) => outcome(person.qualified) },
          { id: 'disqualified', label: 'Disqualified', render: (person) => (person.disqualified ? label(person.disqualified) : '—') },
          { id: 'customer', label: 'Customer', render: (person) => outcome(person.customer) },
          { id: 'orders', label: 'Orders', numeric: true, render: (person) => count(person.orders) },
        ]}
      />
      <ShowMore pages={pages} what="people" />
    </>
  );
}
