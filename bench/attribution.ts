import { attributeOrder, type JourneyTouch, type PersonHistory } from '../shared/attribution/engine.ts';
import { creditsInto, MODEL_COUNT, type JourneyColumns } from '../shared/attribution/kernel.ts';
import { markov, parsePath, pathOf, shapley, type PathCount } from '../shared/attribution/data-driven.ts';
import { defaultAttributionConfig } from '../shared/tenants/attribution-config.ts';
import { stores } from '../shared/adapters/dynamodb/stores.ts';
import { attributeTransaction, onRecorded } from '../shared/attribution/use-cases.ts';
import { report } from '../shared/attribution/reports.ts';
import { createTenant } from '../shared/tenants/use-cases.ts';
import { transactionFromInput } from '../shared/recording/transactions.ts';
import { normaliseTouch } from '../shared/recording/touches.ts';
import type { BenchContext } from './run.ts';

const CHANNELS = ['Direct', 'Paid Search', 'Email', 'Organic Social', 'Paid Social', 'Display', 'Organic Search', 'Referral'];

/** A deterministic pseudo-random journey generator (no Math.random: runs compare). */
function journeys(count: number, seed = 42): Array<{ history: PersonHistory; revenue: number }> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  const T = Date.parse('2026-11-20T12:00:00Z');
  return Array.from({ length: count }, (_, j) => {
    const n = 1 + Math.floor(next() * 50);
    const touches: JourneyTouch[] = Array.from({ length: n }, (_, i) => ({
      touchId: `t${j}-${i}`,
      at: T - Math.floor(next() * 29 * 86_400_000),
      side: next() < 0.1 ? 'sales' : 'marketing',
      kind: next() < 0.1 ? 'impression' : 'click',
      channel: CHANNELS[Math.floor(next() * CHANNELS.length)]!,
      campaign: `c${Math.floor(next() * 20)}`,
    }));
    return { history: { touches, stages: [], orderTimes: [] }, revenue: 1 + Math.floor(next() * 1_000_000) };
  });
}

/** Issue 4: engine throughput, report cost at two volumes, cost of one late touch. */
export async function attributionBench(ctx: BenchContext): Promise<string> {
  const lines = ['## Attribution', ''];
  const config = { ...defaultAttributionConfig('UTC'), boundary: [] as Array<'sales_touch' | 'qualified'> };
  const sample = journeys(ctx.quick ? 5_000 : 20_000);
  const T = Date.parse('2026-11-20T12:00:00Z');
  const rounds = ctx.quick ? 2 : 5;

  // The allocation kernel: journeys already in columns, credits for all seven models into one buffer.
  const columns: JourneyColumns[] = sample.map(({ history }) => {
    const touches = [...history.touches].filter((touch) => touch.side === 'marketing').sort((a, b) => a.at - b.at);
    return { n: touches.length, at: Float64Array.from(touches, (t) => t.at), direct: Uint8Array.from(touches, (t) => (t.channel === 'Direct' ? 1 : 0)), leadIndex: -1 };
  });
  const out = new Float64Array(MODEL_COUNT * 64);
  const kernel = () => {
    let checksum = 0;
    for (let j = 0; j < columns.length; j += 1) {
      creditsInto(columns[j]!, sample[j]!.revenue, T, config, out);
      checksum += out[3 * columns[j]!.n]!;
    }
    return checksum;
  };
  kernel();
  let started = performance.now();
  let checksum = 0;
  for (let round = 0; round < rounds; round += 1) checksum += kernel();
  const kernelRate = (rounds * columns.length) / ((performance.now() - started) / 1000);

  // The whole per-order computation: window, boundary, both journeys, sourcedBy, all seven models, result objects.
  const full = () => {
    let sum = 0;
    for (const { history, revenue } of sample) sum += attributeOrder({ transactionId: 'o', at: T, currency: 'USD', revenue, salesChannel: 'online_store' }, history, config).marketing.credits.linear.length;
    return sum;
  };
  full();
  started = performance.now();
  for (let round = 0; round < rounds; round += 1) checksum += full();
  const fullRate = (rounds * sample.length) / ((performance.now() - started) / 1000);
  const meanTouches = columns.reduce((sum, column) => sum + column.n, 0) / columns.length;
  lines.push(
    `Engine throughput on one core, ${rounds} × ${sample.length.toLocaleString('en-US')} journeys of 1–50 touches (uniform; ${meanTouches.toFixed(1)} marketing touches on average), all seven heuristic models, exact minor-unit allocation (checksum ${checksum}):`,
    '',
    '| | journeys/s | credits/s |',
    '|---|---|---|',
    `| allocation kernel (\`creditsInto\`: columns in, credits of 7 models out) | ${Math.round(kernelRate).toLocaleString('en-US')} | ${Math.round(kernelRate * meanTouches * 7).toLocaleString('en-US')} |`,
    `| full \`attributeOrder\` (window, boundary, journeys, conversion shares, result objects) | ${Math.round(fullRate).toLocaleString('en-US')} | ${Math.round(fullRate * meanTouches * 7).toLocaleString('en-US')} |`,
    '',
    'The issue’s target is 1,000,000 journeys/s on one core; the closing note of issue 4 says how far each path is from it and why.',
    '',
  );

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
  lines.push('| transactions in the period | DynamoDB requests for one report | items read |', '|---|---|---|');
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
        const touch = normaliseTouch({ touchId: `t${i}`, occurredAt, person, kind: 'click', utm: { source: channel.toLowerCase().replace(' ', '-'), medium: i % 2 ? 'cpc' : 'email', campaign: `c${i % 20}` } }, tenantRecord!.config.channelRules);
        await deps.records.recordTouches(tenantId, [touch]);
        const tx = transactionFromInput({ transactionId: `o${i}`, kind: 'order', occurredAt: new Date(Date.parse(occurredAt) + 60_000).toISOString(), person, currency: 'USD', gross: '10.00', discount: '0', tax: '0', shipping: '0', salesChannel: 'online_store' }, 'api', recordedAt);
        await deps.records.recordTransaction(tenantId, tx);
        await attributeTransaction(deps, tenantId, tx.transactionId);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, offset) => worker(offset)));
    ctx.counter.reset();
    const answer = await report(deps, tenantId, { from: '2026-10-01', to: '2026-10-31', model: 'linear', groupBy: 'campaign' });
    if (answer.totals[0]?.transactions !== volume) throw new Error(`report saw ${answer.totals[0]?.transactions} of ${volume} transactions`);
    lines.push(`| ${volume.toLocaleString('en-US')} | ${ctx.counter.describe()} | ${ctx.counter.itemsRead} rollup cells |`);
  }
  lines.push('', 'A report reads one rollup cell per day and currency for the model and one for the totals: its cost grows with the days in the period, not with the transactions.', '');

  // One late touch for a person with three orders in its reach.
  const tenantId = 'bench-report-100';
  const late = normaliseTouch({ touchId: 'late-1', occurredAt: '2026-10-01T00:00:00Z', person: { customerId: 'c0' }, kind: 'click', utm: { source: 'google', medium: 'cpc' } });
  await deps.records.recordTouches(tenantId, [late]);
  ctx.counter.reset();
  const outcome = await onRecorded(deps, { detailType: 'TouchRecorded', tenantId, identifiers: late.identifiers, occurredAt: late.occurredAt });
  lines.push(`Re-attribution of one late touch (its person has ${outcome.attributed} order in reach; ${outcome.changed} attribution changed): ${ctx.counter.describe()}; ${ctx.counter.writeUnits} write units (estimated).`, '');
  return lines.join('\n');
}
