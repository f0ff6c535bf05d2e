import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ProblemDetail, query, sendFile, sendJson } from '../api.ts';
import { DataTable, Empty, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { count, instant, label, MODEL_LABELS, money } from '../format.ts';
import { useApi } from '../load.ts';
import type { Period } from '../period.ts';
import type { Session } from '../session.ts';
import type { CampaignWithoutSpend, PlatformSpend, SpendAudit, SpendImport, SpendImports, SpendMappings, SpendProfile, UnmatchedSpend } from '../types.ts';
import type { ViewProps } from '../view.ts';

/** The platforms whose files Baton reads, as people name them. */
export const PROFILE_LABELS: Record<SpendProfile, string> = {
  google_ads: 'Google Ads',
  meta: 'Meta',
  microsoft: 'Microsoft Advertising',
  tiktok: 'TikTok',
  linkedin: 'LinkedIn',
  generic: 'Generic CSV',
};
const PROFILES = Object.keys(PROFILE_LABELS) as SpendProfile[];

/** A platform of the audit: a file's profile, or `posted` (spend sent by POST /v1/spend). */
function platformLabel(platform: string): string {
  if (platform === 'posted') return 'Posted (POST /v1/spend)';
  return PROFILE_LABELS[platform as SpendProfile] ?? label(platform);
}

const MiB = 1024 * 1024;
/** A file over this is sent gzip-compressed (the API takes 4 MiB as sent; compressing from 1 MiB keeps well clear of it). */
const GZIP_ABOVE = 1 * MiB;
/** What the API takes as sent, and decoded (docs/api.md: spend imports). */
const MAX_SENT = 4 * MiB;
const MAX_FILE = 32 * MiB;

const DELIMITERS: Record<string, string> = { '\t': 'tab', ',': 'comma', ';': 'semicolon' };

/**
 * Spend from the ad platforms' own files (SPEC §12): upload one (chosen or
 * dropped) and see what it imported or every line that kept it out; the
 * latest imports; the period's audit (spend that matched no touch, with a
 * "map to campaign…" that fills a mapping row, and campaigns with revenue
 * but no spend); and the mappings, edited and saved as a whole.
 */
export function Spend({ session, period, onUnauthorized }: ViewProps) {
  const marketing = session.me.scope === 'marketing';
  const [imports, refreshImports] = useApi<SpendImports>(marketing ? '/v1/spend/imports' : null, session.key, onUnauthorized);
  const [audit, refreshAudit] = useApi<SpendAudit>(marketing ? `/v1/spend/audit${query({ from: period.from, to: period.to })}` : null, session.key, onUnauthorized);
  const [mappings, retryMappings] = useApi<SpendMappings>(marketing ? '/v1/spend/mappings' : null, session.key, onUnauthorized);
  const editor = useMappingsDraft(mappings.status === 'ok' ? mappings.data : undefined);

  if (!marketing) {
    return (
      <>
        <Note name="spend-scope">
          You are signed in with a {session.me.scope} key. Baton takes spend files from the tenant’s marketing key (or its ingest or admin key), and shows the audit and the mappings to a marketing
          key: an upload with this key is refused.
        </Note>
        <ImportCard session={session} onUnauthorized={onUnauthorized} onImported={() => undefined} />
      </>
    );
  }
  return (
    <>
      <ImportCard
        session={session}
        onUnauthorized={onUnauthorized}
        onImported={() => {
          refreshImports();
          refreshAudit();
        }}
      />
      <Section title="Recent imports" description="The latest 50 files imported for this tenant, newest first. Importing a file again replaces its lines: spend is never counted twice.">
        <Loaded load={imports} what="the recent imports" retry={refreshImports}>
          {(answer) => <ImportsTable imports={answer.imports} timezone={session.me.timezone} />}
        </Loaded>
      </Section>
      <Loaded load={audit} what="the spend audit" retry={refreshAudit}>
        {(answer) => <Audit audit={answer} period={period} canMap={editor.ready} onMap={editor.prefill} />}
      </Loaded>
      <Section
        title="Mappings"
        description="Which platform campaign a touch campaign is, when neither the campaign id (utm_id) nor the same name finds it. A row maps a touch’s utm_campaign to a platform campaign id (or, for a file without ids, its campaign name), for one platform or any."
      >
        <Loaded load={mappings} what="the mappings" retry={retryMappings}>
          {(answer) => (
            <MappingsEditor
              saved={answer}
              editor={editor}
              suggestions={audit.status === 'ok' ? audit.data.campaignsWithoutSpend.map((line) => line.campaign) : []}
              session={session}
              onUnauthorized={onUnauthorized}
              onSaved={refreshAudit}
            />
          )}
        </Loaded>
      </Section>
    </>
  );
}

/** A refusal as a sentence: a 403 says which key is needed, the others what Baton answered. */
function refusalText(error: Error, session: Session, doing: string): string {
  if (error instanceof ApiError && error.status === 403) {
    return `This ${session.me.scope} key may not ${doing}. Baton answered 403 Forbidden: “${error.message}” Sign in with the tenant’s marketing key to do it.`;
  }
  if (error instanceof ApiError && error.status === 413) return `Too large: ${error.message}`;
  return error.message;
}

// ---------------------------------------------------------------------------
// The upload

type ImportState =
  | { status: 'idle' }
  | { status: 'sending'; name: string; gzip: boolean }
  | { status: 'imported'; name: string; asked: string; answer: SpendImport }
  | { status: 'refused'; name: string; error: Error };

interface ImportOptions {
  profile: 'auto' | SpendProfile;
  account: string;
  currency: string;
  locale: string;
}

function ImportCard({ session, onUnauthorized, onImported }: { session: Session; onUnauthorized: () => void; onImported: () => void }) {
  const [options, setOptions] = useState<ImportOptions>({ profile: 'auto', account: '', currency: '', locale: '' });
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<ImportState>({ status: 'idle' });
  const [dragging, setDragging] = useState(false);
  const result = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // A file dropped beside the zone would make the browser open it in place of the dashboard.
    const keep = (event: DragEvent) => {
      if (!(event.target instanceof Element && event.target.closest('[data-drop-zone]'))) event.preventDefault();
    };
    addEventListener('dragover', keep);
    addEventListener('drop', keep);
    return () => {
      removeEventListener('dragover', keep);
      removeEventListener('drop', keep);
    };
  }, []);

  const upload = async (chosen: File) => {
    setFile(chosen);
    if (chosen.size > MAX_FILE) {
      setState({
        status: 'refused',
        name: chosen.name,
        error: new ApiError(413, 'too_large', `${chosen.name} is ${mebibytes(chosen.size)}; Baton reads files up to 32 MiB. Export a shorter period.`),
      });
      return;
    }
    const gzip = chosen.size > GZIP_ABOVE;
    setState({ status: 'sending', name: chosen.name, gzip });
    try {
      const bytes = gzip ? await new Response(chosen.stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer() : await chosen.arrayBuffer();
      if (bytes.byteLength > MAX_SENT) {
        throw new ApiError(413, 'too_large', `${chosen.name} is ${mebibytes(bytes.byteLength)} even compressed; Baton takes 4 MiB at most. Export a shorter period.`);
      }
      const asked = { profile: options.profile, account: options.account.trim(), currency: options.currency.trim().toUpperCase(), locale: options.locale.trim() };
      const answer = await sendFile<SpendImport>(`/v1/spend/imports${query(asked)}`, session.key, bytes, gzip);
      setState({ status: 'imported', name: chosen.name, asked: options.profile, answer });
      onImported();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      setState({ status: 'refused', name: chosen.name, error: error as Error });
    }
  };
  useEffect(() => {
    // The outcome is announced (role=status / alert); bring it into view too, below the form.
    if (state.status === 'imported' || state.status === 'refused') result.current?.scrollIntoView({ block: 'nearest' });
  }, [state]);

  const set = (name: keyof ImportOptions) => (event: Event) => setOptions({ ...options, [name]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const sending = state.status === 'sending';
  return (
    <section class="card" aria-labelledby="spend-import-title">
      <h3 id="spend-import-title">Import a spend file</h3>
      <p class="description">
        The file as Google Ads, Meta, Microsoft Advertising, TikTok or LinkedIn wrote it (CSV or tab-separated, UTF-8 or UTF-16), or a plain CSV with a day, a campaign and a cost. Choosing or dropping
        a file imports it with the options below; nothing is stored unless every line reads.
      </p>
      <form class="import-options" aria-label="Import options" onSubmit={(event) => event.preventDefault()}>
        <label class="picker">
          Platform
          <select name="profile" value={options.profile} onChange={set('profile')}>
            <option value="auto">Detect from the file</option>
            {PROFILES.map((profile) => (
              <option value={profile} key={profile}>
                {PROFILE_LABELS[profile]}
              </option>
            ))}
          </select>
        </label>
        <label class="picker">
          Account <span class="optional">(optional)</span>
          <input name="account" value={options.account} onInput={set('account')} placeholder="the file’s" autocomplete="off" maxLength={200} />
        </label>
        <label class="picker">
          Currency <span class="optional">(optional)</span>
          <input name="currency" value={options.currency} onInput={set('currency')} placeholder="the file’s" autocomplete="off" maxLength={3} size={6} aria-describedby="spend-currency-hint" />
        </label>
        <label class="picker">
          Number format <span class="optional">(optional)</span>
          <input name="locale" value={options.locale} onInput={set('locale')} placeholder="e.g. de-DE" autocomplete="off" maxLength={35} size={10} aria-describedby="spend-locale-hint" />
        </label>
        <p class="hint options-hint">
          <span id="spend-currency-hint">Currency: when the file names none (no currency column, no “(EUR)” after the cost’s heading).</span>{' '}
          <span id="spend-locale-hint">Number format: a locale such as de-DE or fr-FR, when a cost like “1,234” could be read two ways.</span>
        </p>
      </form>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is the mouse's shortcut; the file input inside is the way for the keyboard and screen readers */}
      <div
        class={`drop-zone${dragging ? ' dragging' : ''}`}
        data-drop-zone
        onDragEnter={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragOver={(event) => {
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(event) => {
          if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setDragging(false);
        }}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          const dropped = event.dataTransfer?.files[0];
          if (dropped && !sending) upload(dropped);
        }}
      >
        <p class="drop-prompt">
          <span aria-hidden="true">⇩</span> Drop a spend file here, or
        </p>
        <label class="file-pick">
          Choose a spend file
          <input
            type="file"
            name="file"
            accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
            disabled={sending}
            onChange={(event) => {
              const chosen = event.currentTarget.files?.[0];
              if (chosen) upload(chosen);
            }}
          />
        </label>
        {file && !sending && state.status !== 'idle' && (
          <button type="button" onClick={() => upload(file)} data-action="import-again">
            Import {file.name} again with these options
          </button>
        )}
      </div>
      <div ref={result}>
        <p role="status" aria-live="polite" class="import-status" data-import-status>
          {state.status === 'sending' && `Importing ${state.name}${state.gzip ? ' (compressed first)' : ''}…`}
          {state.status === 'imported' && `Imported ${state.name}: ${count(state.answer.lines)} lines of spend, ${state.answer.days.from} to ${state.answer.days.to}.`}
        </p>
        {state.status === 'imported' && <ImportSummary name={state.name} asked={state.asked} answer={state.answer} />}
        {state.status === 'refused' && <Refusal name={state.name} error={state.error} session={session} />}
      </div>
    </section>
  );
}

function mebibytes(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function ImportSummary({ name, asked, answer }: { name: string; asked: string; answer: SpendImport }) {
  const skipped = answer.skipped.blank + answer.skipped.totals + answer.skipped.footer;
  return (
    <div class="import-result" data-result="imported">
      <h4>What {name} imported</h4>
      <Kpis>
        <Kpi name="importProfile" label="Read as" value={PROFILE_LABELS[answer.profile]} note={asked === 'auto' ? 'detected from the file' : 'as chosen'} />
        <Kpi
          name="importDays"
          label="Days"
          value={`${answer.days.from} – ${answer.days.to}`}
          note={answer.dayZone === 'UTC' ? 'UTC days, as the platform counts them' : 'the ad account’s days, as they are'}
        />
        <Kpi name="importLines" label="Lines of spend" value={count(answer.lines)} note={`${count(answer.rows)} daily rows read; a campaign’s rows of one day add up`} />
        <Kpi name="importCampaigns" label="Campaigns" value={count(answer.campaigns)} />
        {answer.totals.map((total) => (
          <Kpi key={total.currency} name={`importCost-${total.currency}`} label={`Cost (${total.currency})`} value={money(total.cost, total.currency)} />
        ))}
        <Kpi name="importReplaced" label="Replaced" value={count(answer.replaced)} note="lines already stored for the same day and campaign: a re-import never adds" />
        <Kpi
          name="importSkipped"
          label="Skipped"
          value={count(skipped)}
          note={`${count(answer.skipped.blank)} blank, ${count(answer.skipped.totals)} totals, ${count(answer.skipped.footer)} footer`}
        />
      </Kpis>
      <dl class="facts">
        <div>
          <dt>{answer.accounts.length > 1 ? 'Accounts' : 'Account'}</dt>
          <dd data-fact="account">{answer.accounts.length > 1 ? answer.accounts.join(', ') : answer.account}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd data-fact="file">
            {answer.encoding.toUpperCase()}, {DELIMITERS[answer.delimiter] ?? JSON.stringify(answer.delimiter)}-separated
          </dd>
        </div>
        {answer.preamble.length > 0 && (
          <div>
            <dt>Above the header</dt>
            <dd data-fact="preamble">
              {answer.preamble.map((line, index) => (
                <span class="preamble-line" key={index}>
                  {line}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
      {answer.warnings.length > 0 && (
        <div class="warnings" data-warnings>
          <h5>Warnings ({count(answer.warnings.length)})</h5>
          <ul>
            {answer.warnings.map((warning, index) => (
              <li key={index}>
                <strong>Line {warning.line}:</strong> {warning.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

type BadLine = ProblemDetail & { line: number };

/**
 * Why a file was not imported. A 422 that names lines lists each with its
 * number and reason (its message only summarises them); one about the file
 * as a whole (line 0) is Baton's sentence; a 400, the options it refused.
 */
function Refusal({ name, error, session }: { name: string; error: Error; session: Session }) {
  const details = error instanceof ApiError && error.status === 422 ? error.details.filter((detail): detail is BadLine => typeof detail.line === 'number') : [];
  const named = details.filter((detail) => detail.line > 0).length;
  const fields = error instanceof ApiError && error.status === 400 ? error.details.filter((detail) => detail.line === undefined) : [];
  return (
    <div class="import-result refused" data-result="refused" data-status={error instanceof ApiError ? error.status : undefined}>
      <p class="refusal" role="alert">
        <strong>{name} was not imported.</strong>{' '}
        {named > 0 ? `${count(named)} ${named === 1 ? 'line' : 'lines'} could not be read, each listed below with why; nothing was stored.` : refusalText(error, session, 'import spend files')}
      </p>
      {named > 0 && (
        <DataTable<BadLine>
          name="bad-lines"
          caption={`Lines of ${name} that could not be read`}
          rows={details}
          rowKey={(detail) => `${detail.line}\u0000${detail.message}`}
          columns={[
            // Line 0 is the file as a whole; Baton also counts there the bad lines it left unnamed ("… and 12 more").
            { id: 'line', label: 'Line', render: (detail) => (detail.line > 0 ? `line ${detail.line}` : detail.message.startsWith('…') ? '' : 'the whole file') },
            { id: 'reason', label: 'Why', render: (detail) => detail.message },
          ]}
        />
      )}
      {fields.length > 0 && (
        <ul class="problems">
          {fields.map((detail, index) => (
            <li key={index}>
              {detail.path ? <code>{detail.path.replace(/^query\./, '')}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      )}
      {named > 0 && <p class="hint">Line numbers count from the file’s first line, as a text editor shows them. Fix those lines, or set the options above, and import the file again.</p>}
    </div>
  );
}

// ---------------------------------------------------------------------------
// Recent imports

function ImportsTable({ imports, timezone }: { imports: SpendImport[]; timezone: string }) {
  if (imports.length === 0) {
    return (
      <Empty>
        <p>
          <strong>No spend file imported yet.</strong> Download a campaign report by day from the ad platform and drop it above; the reports then count its cost.
        </p>
      </Empty>
    );
  }
  return (
    <DataTable<SpendImport>
      name="imports"
      caption={`Spend files imported, newest first (times in ${timezone})`}
      rows={imports}
      rowKey={(entry) => entry.importId}
      columns={[
        { id: 'importedAt', label: 'Imported', render: (entry) => instant(entry.importedAt, timezone) },
        { id: 'profile', label: 'Platform', render: (entry) => PROFILE_LABELS[entry.profile] },
        { id: 'account', label: 'Account', render: (entry) => (entry.accounts.length > 1 ? entry.accounts.join(', ') : entry.account) },
        { id: 'days', label: 'Days', render: (entry) => `${entry.days.from} – ${entry.days.to}` },
        { id: 'lines', label: 'Lines', numeric: true, render: (entry) => count(entry.lines) },
        { id: 'campaigns', label: 'Campaigns', numeric: true, render: (entry) => count(entry.campaigns) },
        { id: 'cost', label: 'Cost', numeric: true, render: (entry) => <MoneyList lines={entry.totals.map((total) => ({ currency: total.currency, amount: total.cost }))} /> },
        { id: 'replaced', label: 'Replaced', numeric: true, render: (entry) => count(entry.replaced) },
        {
          id: 'skipped',
          label: 'Skipped',
          render: (entry) => {
            const parts = (['blank', 'totals', 'footer'] as const).filter((kind) => entry.skipped[kind] > 0).map((kind) => `${count(entry.skipped[kind])} ${kind}`);
            return parts.length > 0 ? parts.join(', ') : 'none';
          },
        },
        { id: 'warnings', label: 'Warnings', numeric: true, render: (entry) => count(entry.warnings.length) },
      ]}
    />
  );
}

/** Amounts in several currencies, one under the other. */
function MoneyList({ lines }: { lines: Array<{ currency: string; amount: number }> }) {
  return (
    <>
      {lines.map((line, index) => (
        <span class="money-line" key={line.currency}>
          {index > 0 && <br />}
          {money(line.amount, line.currency)}
        </span>
      ))}
    </>
  );
}

// ---------------------------------------------------------------------------
// The audit

function Audit({ audit, period, canMap, onMap }: { audit: SpendAudit; period: Period; canMap: boolean; onMap: (line: UnmatchedSpend) => void }) {
  const model = MODEL_LABELS[audit.model] ?? label(audit.model);
  const unmatched = audit.spend.filter((line) => line.unmatchedCost > 0);
  return (
    <section class="card" aria-labelledby="spend-audit-title" data-audit>
      <h3 id="spend-audit-title">
        Spend audit, {period.from} to {period.to}
      </h3>
      <p class="description">
        Imported spend that matched no touch still counts in the reports’ spend and ROAS, but on no campaign’s row: map it to the touch campaign it paid for, or tag the ads with utm_id.
      </p>
      {audit.spend.length === 0 ? (
        <Empty>
          <p>
            <strong>No spend in this period.</strong> Import a spend file above (or send POST /v1/spend); the reports’ spend and ROAS come from it.
          </p>
        </Empty>
      ) : (
        <>
          <Kpis>
            {unmatched.length === 0 ? (
              <Kpi name="auditUnmatched" label="Spend that matched no touch" value="none" note="every line of spend pays for a campaign" />
            ) : (
              unmatched.map((line) => (
                <Kpi
                  key={`${line.platform}\u0000${line.currency}`}
                  name={`auditUnmatched-${line.platform}-${line.currency}`}
                  label={`${platformLabel(line.platform)} spend that matched no touch`}
                  value={money(line.unmatchedCost, line.currency)}
                  note={`of ${money(line.cost, line.currency)} in the period`}
                />
              ))
            )}
          </Kpis>
          <DataTable<PlatformSpend>
            name="audit-spend"
            caption="The period’s spend by platform and currency, and how much of it matched touches"
            rows={audit.spend}
            rowKey={(line) => `${line.platform}\u0000${line.currency}`}
            columns={[
              { id: 'platform', label: 'Platform', render: (line) => platformLabel(line.platform) },
              { id: 'currency', label: 'Currency', render: (line) => line.currency },
              { id: 'cost', label: 'Spend', numeric: true, render: (line) => money(line.cost, line.currency) },
              { id: 'matchedCost', label: 'Matched touches', numeric: true, render: (line) => money(line.matchedCost, line.currency) },
              { id: 'unmatchedCost', label: 'Matched no touch', numeric: true, render: (line) => money(line.unmatchedCost, line.currency) },
            ]}
          />
        </>
      )}
      <h4>Spend that matched no touch</h4>
      {audit.unmatchedSpend.length === 0 ? (
        <Empty>
          <p>{audit.spend.length === 0 ? 'Nothing to match yet.' : 'All of the period’s imported spend matched touches.'}</p>
        </Empty>
      ) : (
        <DataTable<UnmatchedSpend>
          name="unmatched"
          caption="Imported spend that matched no touch, by platform campaign"
          rows={audit.unmatchedSpend}
          rowKey={unmatchedKey}
          columns={[
            {
              id: 'campaign',
              label: 'Platform campaign',
              render: (line) => (
                <>
                  {line.campaign}
                  {line.campaignId && line.campaignId !== line.campaign && <span class="key-note"> id {line.campaignId}</span>}
                </>
              ),
            },
            { id: 'platform', label: 'Platform', render: (line) => platformLabel(line.platform) },
            { id: 'account', label: 'Account', render: (line) => line.account },
            {
              id: 'days',
              label: 'Days',
              render: (line) => `${line.firstDay === line.lastDay ? line.firstDay : `${line.firstDay} – ${line.lastDay}`} (${count(line.days)} ${line.days === 1 ? 'day' : 'days'})`,
            },
            { id: 'cost', label: 'Cost', numeric: true, render: (line) => money(line.cost, line.currency) },
            {
              id: 'map',
              label: <span class="visually-hidden">Action</span>,
              render: (line) => (
                <button type="button" data-action="map" disabled={!canMap} onClick={() => onMap(line)} aria-label={`Map to campaign… ${line.campaign} (${platformLabel(line.platform)})`}>
                  Map to campaign…
                </button>
              ),
            },
          ]}
        />
      )}
      <h4>Campaigns with revenue but no spend</h4>
      {audit.campaignsWithoutSpend.length === 0 ? (
        <Empty>
          <p>No campaign earned revenue in this period without spend paying for it.</p>
        </Empty>
      ) : (
        <>
          <p class="description">
            Touch campaigns (utm_campaign) credited with revenue under {model} that no spend pays for: their ROAS cannot be known. One of them may be a platform campaign above under another name.
          </p>
          <DataTable<CampaignWithoutSpend>
            name="without-spend"
            caption={`Campaigns with revenue under ${model} but no spend`}
            rows={audit.campaignsWithoutSpend}
            rowKey={(line) => `${line.campaign}\u0000${line.currency}`}
            columns={[
              { id: 'campaign', label: 'Touch campaign', render: (line) => line.campaign },
              { id: 'revenue', label: 'Revenue', numeric: true, render: (line) => money(line.revenue, line.currency) },
              { id: 'conversions', label: 'Conversions', numeric: true, render: (line) => count(line.conversions) },
            ]}
          />
        </>
      )}
    </section>
  );
}

const unmatchedKey = (line: UnmatchedSpend) => JSON.stringify([line.platform, line.account, line.campaignId ?? null, line.campaign, line.currency]);

// ---------------------------------------------------------------------------
// The mappings

interface DraftRow {
  /** Stable across edits: the row's key and how the focus finds it. */
  id: number;
  campaign: string;
  campaignId: string;
  platform: SpendProfile | '';
}

interface MappingsDraft {
  /** The rows being edited; undefined until the mappings are in. */
  rows: DraftRow[] | undefined;
  ready: boolean;
  setRows: (rows: DraftRow[]) => void;
  /** The row the focus goes to once it is drawn. */
  focus: number | undefined;
  clearFocus: () => void;
  /** What to announce about the rows (a row added from the audit). */
  notice: string;
  /** A row for an unmatched line of the audit (or the focus on the one there is). */
  prefill: (line: UnmatchedSpend) => void;
  newRow: (values?: Partial<Omit<DraftRow, 'id'>>) => DraftRow;
  reset: (answer: SpendMappings) => void;
}

/** The editor's rows live above the audit and the editor, so the audit's "map to campaign…" can add one. */
function useMappingsDraft(loaded: SpendMappings | undefined): MappingsDraft {
  const [rows, setRows] = useState<DraftRow[] | undefined>(undefined);
  const [focus, setFocus] = useState<number | undefined>(undefined);
  const [notice, setNotice] = useState('');
  const next = useRef(0);
  const newRow = (values: Partial<Omit<DraftRow, 'id'>> = {}): DraftRow => ({ id: next.current++, campaign: '', campaignId: '', platform: '', ...values });
  const reset = (answer: SpendMappings) => setRows(answer.mappings.map((mapping) => newRow({ campaign: mapping.campaign, campaignId: mapping.campaignId, platform: mapping.platform ?? '' })));
  useEffect(() => {
    if (loaded && rows === undefined) reset(loaded);
  }, [loaded]);
  const prefill = (line: UnmatchedSpend) => {
    if (!rows) return;
    const campaignId = line.campaignId ?? line.campaign;
    const there = rows.find((row) => row.campaignId === campaignId && (row.platform === line.platform || row.platform === '') && row.campaign.trim() === '');
    const row = there ?? newRow({ campaignId, platform: line.platform });
    if (!there) setRows([...rows, row]);
    setFocus(row.id);
    setNotice(`A mapping row for ${line.campaign} (${PROFILE_LABELS[line.platform]} ${campaignId}) is ready: type the touch campaign it paid for, then save.`);
  };
  return { rows, ready: rows !== undefined, setRows, focus, clearFocus: () => setFocus(undefined), notice, prefill, newRow, reset };
}

type SaveState = { status: 'idle' } | { status: 'saving' } | { status: 'saved'; count: number } | { status: 'refused'; error: Error; sent: number[]; rows: DraftRow[] };

/** A mapping as sent: trimmed, the platform left out for "any". */
function mappingOf(row: DraftRow) {
  return { campaign: row.campaign.trim(), campaignId: row.campaignId.trim(), ...(row.platform ? { platform: row.platform } : {}) };
}
const blank = (row: DraftRow) => !row.campaign.trim() && !row.campaignId.trim();

function MappingsEditor({
  saved,
  editor,
  suggestions,
  session,
  onUnauthorized,
  onSaved,
}: {
  saved: SpendMappings;
  editor: MappingsDraft;
  suggestions: string[];
  session: Session;
  onUnauthorized: () => void;
  onSaved: () => void;
}) {
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const [stored, setStored] = useState(saved);
  const form = useRef<HTMLFormElement>(null);
  const rows = editor.rows ?? [];
  useEffect(() => {
    if (editor.focus === undefined) return;
    const input = form.current?.querySelector<HTMLInputElement>(`[data-row="${editor.focus}"] input[name=campaign]`);
    if (input) {
      input.scrollIntoView({ block: 'center' });
      input.focus();
      editor.clearFocus();
    }
  }, [editor.focus, editor.rows]);

  const sentRows = rows.filter((row) => !blank(row));
  const dirty =
    JSON.stringify(sentRows.map(mappingOf)) !==
    JSON.stringify(stored.mappings.map((mapping) => ({ campaign: mapping.campaign, campaignId: mapping.campaignId, ...(mapping.platform ? { platform: mapping.platform } : {}) })));
  const change = (id: number, values: Partial<DraftRow>) => editor.setRows(rows.map((row) => (row.id === id ? { ...row, ...values } : row)));

  const save = async (event: Event) => {
    event.preventDefault();
    setState({ status: 'saving' });
    // The tenant's own alias lists go back as they are (a PUT replaces them too); the defaults are left to the defaults.
    const body = { mappings: sentRows.map(mappingOf), ...(Object.keys(stored.aliases).length > 0 ? { aliases: stored.aliases } : {}) };
    try {
      const answer = await sendJson<SpendMappings>('PUT', '/v1/spend/mappings', session.key, body);
      setStored(answer);
      editor.reset(answer);
      setState({ status: 'saved', count: answer.mappings.length });
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      setState({ status: 'refused', error: error as Error, sent: sentRows.map((row) => row.id), rows });
    }
  };

  // A 400 names the rows it refuses (`body.mappings.3…`): each is marked, with its reason under it.
  // A refusal is about the rows as they were sent: any edit since (a new rows array) takes it and its marks away, in the same render.
  const refusal = state.status === 'refused' && state.rows === rows ? state : undefined;
  const problems = new Map<number, string[]>();
  const general: string[] = [];
  if (refusal && refusal.error instanceof ApiError) {
    for (const detail of refusal.error.details) {
      const index = /mappings\.(\d+)/.exec(detail.path ?? '')?.[1];
      const id = index === undefined ? undefined : refusal.sent[Number(index)];
      if (id === undefined) general.push(detail.path ? `${detail.path.replace(/^body\./, '')}: ${detail.message}` : detail.message);
      else problems.set(id, [...(problems.get(id) ?? []), detail.message]);
    }
  }
  const rowNumber = new Map(rows.map((row, index) => [row.id, index + 1]));
  return (
    <form class="mappings-form" aria-label="Mappings" onSubmit={save} ref={form} data-form="mappings" noValidate>
      <datalist id="touch-campaigns">
        {suggestions.map((campaign) => (
          <option value={campaign} key={campaign} />
        ))}
      </datalist>
      {rows.length === 0 ? (
        <Empty>
          <p>
            <strong>No mappings yet.</strong> Spend finds its campaign by the campaign id the ads carry (utm_id) or by the same name; add a mapping for a campaign named differently.
          </p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table class="mapping-rows" data-table="mappings">
            <caption>Touch campaign → platform campaign</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Touch campaign (utm_campaign)</th>
                <th scope="col">Platform campaign id</th>
                <th scope="col">Platform</th>
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <MappingRow
                  key={row.id}
                  row={row}
                  number={rowNumber.get(row.id)!}
                  problem={problems.get(row.id)}
                  onChange={(values) => change(row.id, values)}
                  onRemove={() => editor.setRows(rows.filter((other) => other.id !== row.id))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="form-actions">
        <button type="button" onClick={() => editor.setRows([...rows, editor.newRow()])} data-action="add-mapping">
          Add a mapping
        </button>
        <button type="submit" class="primary" disabled={state.status === 'saving' || !dirty} data-action="save-mappings">
          {state.status === 'saving' ? 'Saving…' : 'Save mappings'}
        </button>
        <span class="hint" data-dirty={dirty ? '' : undefined}>
          {dirty ? 'Unsaved changes. Empty rows are left out.' : 'No unsaved changes.'}
        </span>
      </div>
      <p role="status" aria-live="polite" class="import-status" data-mappings-status>
        {state.status === 'saved' ? `Saved ${count(state.count)} ${state.count === 1 ? 'mapping' : 'mappings'}: the reports and the audit use them from now on.` : editor.notice}
      </p>
      {refusal && (
        <div class="refused" data-result="mappings-refused">
          <p class="refusal" role="alert">
            <strong>The mappings were not saved.</strong> {refusalText(refusal.error, session, 'change the mappings')}
            {problems.size > 0 && ` ${problems.size === 1 ? 'One row needs' : `${count(problems.size)} rows need`} a change, marked above.`}
          </p>
          {general.length > 0 && (
            <ul class="problems">
              {general.map((message, index) => (
                <li key={index}>{message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <details class="aliases">
        <summary>Which sources each platform’s spend pays for</summary>
        <p class="hint">A name or id matches touches of these utm_source values only (a mapping or an id in utm_id needs no source).</p>
        <dl class="facts">
          {Object.entries(stored.aliasesInEffect).map(([platform, sources]) => (
            <div key={platform}>
              <dt>{platformLabel(platform)}</dt>
              <dd data-aliases={platform}>{platform === 'generic' ? 'any source' : sources.length > 0 ? sources.join(', ') : 'none: only mappings and ids match'}</dd>
            </div>
          ))}
        </dl>
      </details>
    </form>
  );
}

/** One mapping being edited, and under it why the API refused it. */
function MappingRow({
  row,
  number,
  problem,
  onChange,
  onRemove,
}: {
  row: DraftRow;
  number: number;
  problem: string[] | undefined;
  onChange: (values: Partial<DraftRow>) => void;
  onRemove: () => void;
}) {
  const problemId = `mapping-problem-${row.id}`;
  const invalid = problem ? { 'aria-invalid': true as const, 'aria-describedby': problemId } : {};
  return (
    <>
      <tr data-row={row.id} class={problem ? 'row-problem' : undefined}>
        <th scope="row">{number}</th>
        <td>
          <input
            name="campaign"
            list="touch-campaigns"
            value={row.campaign}
            onInput={(event) => onChange({ campaign: event.currentTarget.value })}
            aria-label={`Touch campaign of row ${number}`}
            autocomplete="off"
            maxLength={500}
            {...invalid}
          />
        </td>
        <td>
          <input
            name="campaignId"
            value={row.campaignId}
            onInput={(event) => onChange({ campaignId: event.currentTarget.value })}
            aria-label={`Platform campaign id of row ${number}`}
            autocomplete="off"
            maxLength={500}
            {...invalid}
          />
        </td>
        <td>
          <select name="platform" value={row.platform} onChange={(event) => onChange({ platform: event.currentTarget.value as SpendProfile | '' })} aria-label={`Platform of row ${number}`}>
            <option value="">Any platform</option>
            {PROFILES.map((profile) => (
              <option value={profile} key={profile}>
                {PROFILE_LABELS[profile]}
              </option>
            ))}
          </select>
        </td>
        <td>
          <button type="button" data-action="remove" onClick={onRemove} aria-label={`Remove row ${number}`}>
            Remove
          </button>
        </td>
      </tr>
      {problem && (
        <tr class="row-problem-text">
          <td colSpan={5} id={problemId} data-problem={row.id}>
            Row {number}: {problem.join('; ')}
          </td>
        </tr>
      )}
    </>
  );
}
