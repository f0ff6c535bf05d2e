import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { markov, parsePath, pathOf, shapley, type PathCount } from '../shared/attribution/data-driven.ts';
import { stores } from '../shared/adapters/dynamodb/stores.ts';
import { attributeTransaction, onRecorded } from '../shared/attribution/use-cases.ts';
import { report } from '../shared/attribution/reports.ts';
import { createTenant } from '../shared/tenants/use-cases.ts';
import { transactionFromInput } from '../shared/recording/transactions.ts';
import { storeTransaction } from '../shared/recording/use-cases.ts';
import { normaliseTouch } from '../shared/recording/touches.ts';
import { projectRoot } from '../scripts/local/dynamodb-local.ts';
import type { EngineFigures } from './engine.ts';
import { CHANNELS, journeys } from './journeys.ts';
import { stats } from './lib.ts';
import type { BenchContext } from './run.ts';

const TARGET = 1_000_000;

/**
 * Runs bench/engine.ts in a process of its own and tabulates its rounds.
 * `bench/run.ts` calls it before DynamoDB Local and the local server start,
 * so that no other work shares the machine's cores while it measures.
 */
export function engineThroughput(quick: boolean): string[] {
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench', 'engine.ts'), ...(quick ? ['--quick'] : [])], { cwd: projectRoot, encoding: 'utf8' });
  const figures = JSON.parse(output) as EngineFigures;
  if (figures.checksums.kernel !== figures.checksums.reference) throw new Error(`kernel and reference disagree: ${JSON.stringify(figures.checksums)}`);
  const rate = (rounds: number[]) => stats(rounds).median;
  const format = (value: number) => Math.round(value).toLocaleString('en-US');
  const row = (label: string, rounds: number[]) => {
    const sorted = [...rounds].sort((a, b) => a - b);
    return `| ${label} | ${format(rate(rounds))} | ${format(sorted[0]!)}–${format(sorted[sorted.length - 1]!)} (${rounds.length} rounds) | ${format(rate(rounds) * figures.meanTouches * 7)} | ${(rate(rounds) / rate(figures.rounds.reference)).toFixed(1)}× |`;
  };
  const kernel = rate(figures.rounds.kernel);
  return [
    `Engine throughput on one core (a process of its own), ${figures.journeys.toLocaleString('en-US')} journeys of 1–50 touches (uniform; ${figures.meanTouches.toFixed(1)} marketing touches on average), all seven heuristic models, exact minor-unit allocation. The kernel and the plain reference give the same checksum (one time_decay credit of every journey: ${figures.checksums.kernel}); the tests compare them credit by credit.`,
    '',
    '| | journeys/s (median round) | range | credits/s | vs the plain reference |',
    '|---|---|---|---|---|',
    row('allocation kernel (`creditsInto`: a journey’s columns in, credits of all 7 models out)', figures.rounds.kernel),
    row('plain reference (`referenceCredits`: a weight array and one `allocate` per model)', figures.rounds.reference),
    row('whole `attributeOrder` (window, boundary, both journeys, conversion shares, result objects)', figures.rounds.attributeOrder),
    '',
    `Target ${TARGET.toLocaleString('en-US')} journeys/s on one core: ${kernel >= TARGET ? 'met' : 'NOT met'} by the kernel (${(kernel / TARGET).toFixed(2)}× the target). \`attributeOrder\` runs the same kernel twice per order (money and conversion shares) and spends the rest building the objects that are stored; in the pipeline an order's DynamoDB round trips take milliseconds, so that path is not the bound.`,
    '',
  ];
}

/** Issue 4: engine throughput, report cost at two volumes, cost of one late touch. */
export async function attributionBench(ctx: BenchContext): Promise<string> {
  const lines = ['## Attribution', ''];
  lines.push(...ctx.engineThroughput);

  // Data-driven models over a period's journeys: paths aggregated, then the model.
  lines.push('| journeys | markov | shapley |', '|---|---|---|');
  for (const count of ctx.quick ? [10_000] : [10_000, 100_000]) {
    const paths = new Map<string, PathCount>();
    const time = (fn: () => unknown) => {
      const t0 = performance.now();
      fn();
      return performance.now() - t0;
    };
    const aggregate = time(() => {
      for (const { history } of journeys(count, 7)) {
        const key = pathOf(history.touches.slice(0, 1 + (history.touches.length % 6)).map((touch) => touch.channel));
        const entry = paths.get(key) ?? { channels: parsePath(key), conversions: 0, nulls: 0 };
        if (history.touches.length % 3 === 0) entry.nulls += 1;
        else entry.conversions += 1;
        paths.set(key, entry);
      }
    });
    const list = [...paths.values()];
    lines.push(`| ${count.toLocaleString('en-US')} (${list.length.toLocaleString('en-US')} distinct paths, ${CHANNELS.length} channels; aggregation ${aggregate.toFixed(0)} ms) | ${time(() => markov(list)).toFixed(1)} ms | ${time(() => shapley(list)).toFixed(1)} ms |`);
  }
  lines.push('', 'Reports read path counts already aggregated per day, so their cost is the model on the distinct paths, not the journeys.', '');

  // Report cost at two volumes: one tenant per volume, transactions spread over 30 days.
  const deps = stores();
  lines.push('| transactions in the period | DynamoDB requests for one report | items read | read units (as DynamoDB reports them) |', '|---|---|---|---|');
  for (const volume of ctx.quick ? [100, 1_000] : [100, 10_000]) {
    const tenant = await createTenant(deps.tenants, { tenantId: `bench-report-${volume}`, currency: 'USD', timezone: 'UTC' });
    const tenantId = tenant.tenantId;
    const tenantRecord = await deps.tenants.getTenant(tenantId);
    const ids = Array.from({ length: volume }, (_, i) => i);
    const recordedAt = new Date().toISOString();
    const worker = async (offset: number) => {
      for (let i = offset; i < ids.length; i += 8) {
        const occurredAt = new Date(Date.parse('2026-10-01T00:00:00Z') + (i % 30) * 86_400_000 + i * 1000).toISOString();
        const person = { customerId: `c${i}` };
        const channel = CHANNELS[i % CHANNELS.length]!;
        const touch = normaliseTouch({ touchId: `t${i}`, occurredAt, person, kind: 'click', utm: { source: channel.toLowerCase().replace(' ', '-'), medium: i % 2 ? 'cpc' : 'email', campaign: `c${i % 20}` } }, tenantRecord!.config);
        await deps.records.recordTouches(tenantId, [touch]);
        const tx = transactionFromInput({ transactionId: `o${i}`, kind: 'order', occurredAt: new Date(Date.parse(occurredAt) + 60_000).toISOString(), person, currency: 'USD', gross: '10.00', discount: '0', tax: '0', shipping: '0', salesChannel: 'online_store' }, 'api', recordedAt);
        await storeTransaction(deps, tenantId, tx);
        await attributeTransaction(deps, tenantId, tx.transactionId);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, offset) => worker(offset)));
    ctx.counter.reset();
    const answer = await report(deps, tenantId, { from: '2026-10-01', to: '2026-10-31', model: 'linear', groupBy: 'campaign' });
    if (answer.totals[0]?.transactions !== volume) throw new Error(`report saw ${answer.totals[0]?.transactions} of ${volume} transactions`);
    lines.push(`| ${volume.toLocaleString('en-US')} | ${ctx.counter.describe()} | ${ctx.counter.itemsRead} rollup cells | ${ctx.counter.readUnits} |`);
  }
  lines.push('', 'A report reads one rollup cell per day and currency for the model and one for the totals, and the period’s spend (a third query; this tenant has none): its requests do not grow with the transactions. Its read units follow the cells’ size, one entry per campaign seen that day (a few at 100 transactions, all 20 at 10,000): bounded by the tenant’s campaigns, not its transactions.', '');

  // One late touch for a person with three orders in its reach.
  const tenantId = 'bench-report-100';
  const late = normaliseTouch({ touchId: 'late-1', occurredAt: '2026-10-01T00:00:00Z', person: { customerId: 'c0' }, kind: 'click', utm: { source: 'google', medium: 'cpc' } });
  await deps.records.recordTouches(tenantId, [late]);
  ctx.counter.reset();
  const outcome = await onRecorded(deps, { detailType: 'TouchRecorded', tenantId, identifiers: late.identifiers, occurredAt: late.occurredAt });
  lines.push(`Re-attribution of one late touch (its person has ${outcome.attributed} order in reach; ${outcome.changed} attribution changed): ${ctx.counter.describe()}; read units (as DynamoDB reports them): ${ctx.counter.readUnits}; write units (estimated): ${ctx.counter.writeUnits}.`, '');
  return lines.join('\n');
}
