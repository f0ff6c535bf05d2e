import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Stats {
  median: number;
  p99: number;
  mean: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length, n: sorted.length };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** Counts DynamoDB operations (and consumed capacity, where asked) sent through a client. */
export class RequestCounter {
  operations: Record<string, number> = {};
  readUnits = 0;
  writeUnits = 0;

  constructor(client: DynamoDBDocumentClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        this.operations[context.commandName ?? 'unknown'] = (this.operations[context.commandName ?? 'unknown'] ?? 0) + 1;
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const entry of ([] as Array<{ ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number }>).concat(
          (consumed as never) ?? [],
        )) {
          this.readUnits += entry.ReadCapacityUnits ?? 0;
          this.writeUnits += entry.WriteCapacityUnits ?? 0;
        }
        return result;
      },
      { step: 'initialize', name: 'benchRequestCounter', override: true },
    );
  }

  reset(): void {
    this.operations = {};
    this.readUnits = 0;
    this.writeUnits = 0;
  }

  get total(): number {
    return Object.values(this.operations).reduce((sum, count) => sum + count, 0);
  }

  describe(): string {
    return Object.entries(this.operations)
      .map(([name, count]) => `${name.replace(/Command$/, '')} ${count}`)
      .join(', ') || 'none';
  }
}

/** Runs `fns` interleaved, `rounds` times after `warmup`, so both see the same machine state. */
export async function sideBySide(fns: Record<string, () => Promise<unknown>>, rounds: number, warmup = 30): Promise<Record<string, Stats>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round += 1) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = performance.now();
      await fn();
      if (round >= warmup) samples[name]?.push(performance.now() - start);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, stats(values)]));
}
