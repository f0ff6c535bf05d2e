/**
 * Engine throughput on one core, in a process of its own so that nothing
 * else of the bench (the local server, the stream poller, earlier heaps)
 * shares its thread. Prints one JSON object; `bench/attribution.ts` runs it.
 */
import { attributeOrder } from '../shared/attribution/engine.ts';
import { creditsInto, type JourneyColumns, MODEL_COUNT } from '../shared/attribution/kernel.ts';
import { HEURISTIC_MODELS } from '../shared/attribution/models.ts';
import { referenceCredits } from '../shared/attribution/reference.ts';
import { defaultAttributionConfig } from '../shared/tenants/attribution-config.ts';
import { journeys, ORDER_AT } from './journeys.ts';

export interface EngineFigures {
  journeys: number;
  meanTouches: number;
  rounds: Record<'kernel' | 'reference' | 'attributeOrder', number[]>;
  checksums: Record<'kernel' | 'reference', number>;
}

const quick = process.argv.includes('--quick');
const config = { ...defaultAttributionConfig('UTC'), boundary: [] as Array<'sales_touch' | 'qualified'> };
const sample = journeys(quick ? 5_000 : 20_000);
const columns: JourneyColumns[] = sample.map(({ history }) => {
  const touches = history.touches.filter((touch) => touch.side === 'marketing').sort((a, b) => a.at - b.at);
  return { n: touches.length, at: Float64Array.from(touches, (t) => t.at), direct: Uint8Array.from(touches, (t) => (t.channel === 'Direct' ? 1 : 0)), leadIndex: -1 };
});
const out = new Float64Array(MODEL_COUNT * 64);

const revenues = Float64Array.from(sample, ({ revenue }) => revenue);
const TIME_DECAY = HEURISTIC_MODELS.indexOf('time_decay');

/** Sums one time_decay credit of every journey: equal sums from both paths, and the work stays observable. */
const kernel = () => {
  let checksum = 0;
  for (let j = 0; j < columns.length; j += 1) {
    const journey = columns[j]!;
    creditsInto(journey, revenues[j]!, config, out);
    if (journey.n > 0) checksum += out[TIME_DECAY * journey.n + (j % journey.n)]!;
  }
  return checksum;
};
const reference = () => {
  let checksum = 0;
  for (let j = 0; j < columns.length; j += 1) {
    const journey = columns[j]!;
    const credits = referenceCredits(journey, revenues[j]!, config);
    if (journey.n > 0) checksum += credits.time_decay[j % journey.n]!;
  }
  return checksum;
};
const full = () => {
  let count = 0;
  for (const { history, revenue } of sample)
    count += attributeOrder({ transactionId: 'o', at: ORDER_AT, currency: 'USD', revenue, salesChannel: 'online_store' }, history, config).marketing.credits.linear.length;
  return count;
};

/** Journeys per second of each timed round, after untimed warm-up passes. */
function rates(fn: () => number, rounds: number, warmup: number): { rates: number[]; result: number } {
  let result = 0;
  for (let i = 0; i < warmup; i += 1) result = fn();
  const measured: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    result = fn();
    measured.push(sample.length / ((performance.now() - started) / 1000));
  }
  return { rates: measured, result };
}

const kernelRun = rates(kernel, quick ? 5 : 15, 3);
const referenceRun = rates(reference, quick ? 2 : 5, 1);
const fullRun = rates(full, quick ? 2 : 5, 1);
const figures: EngineFigures = {
  journeys: sample.length,
  meanTouches: columns.reduce((sum, column) => sum + column.n, 0) / columns.length,
  rounds: { kernel: kernelRun.rates, reference: referenceRun.rates, attributeOrder: fullRun.rates },
  checksums: { kernel: kernelRun.result, reference: referenceRun.result },
};
console.log(JSON.stringify(figures));
