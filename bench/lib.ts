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

/** Approximate DynamoDB item size in bytes (attribute names + values, by DynamoDB's sizing rules). */
function itemSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, entry) => sum + 1 + itemSize(entry), 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [key, entry]) => sum + 1 + Buffer.byteLength(key) + itemSize(entry), 0);
}

const topLevelSize = (item: Record<string, unknown>) => Object.entries(item).reduce((sum, [key, entry]) => sum + Buffer.byteLength(key) + itemSize(entry), 0);
/** Write units of one item: 1 per started KB; transactional writes cost two. */
const writeUnits = (item: Record<string, unknown>, transactional: boolean) => Math.max(1, Math.ceil(topLevelSize(item) / 1024)) * (transactional ? 2 : 1);

const READS = new Set(['GetCommand', 'GetItemCommand', 'QueryCommand', 'BatchGetCommand', 'BatchGetItemCommand']);

/**
 * Counts DynamoDB operations, the read units DynamoDB reports for reads
 * (ReturnConsumedCapacity, which DynamoDB Local answers too) and estimates
 * write units from the items written.
 */
export class RequestCounter {
  operations: Record<string, number> = {};
  writeUnits = 0;
  readUnits = 0;
  itemsRead = 0;

  constructor(client: DynamoDBDocumentClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        this.operations[name] = (this.operations[name] ?? 0) + 1;
        const input = args.input as {
          Item?: Record<string, unknown>;
          TransactItems?: Array<{ Put?: { Item: Record<string, unknown> } }>;
          RequestItems?: Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> } }>>;
          ReturnConsumedCapacity?: string;
        };
        if (name === 'PutCommand' || name === 'PutItemCommand') this.writeUnits += writeUnits(input.Item ?? {}, false);
        for (const entry of input.TransactItems ?? []) if (entry.Put) this.writeUnits += writeUnits(entry.Put.Item, true);
        if (name === 'BatchWriteCommand' || name === 'BatchWriteItemCommand') {
          for (const requests of Object.values(input.RequestItems ?? {})) for (const request of requests) if (request.PutRequest) this.writeUnits += writeUnits(request.PutRequest.Item, false);
        }
        if (READS.has(name)) input.ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const output = result.output as { Items?: unknown[]; ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
        if (output.Items) this.itemsRead += output.Items.length;
        if (READS.has(name)) for (const consumed of [output.ConsumedCapacity ?? []].flat()) this.readUnits += consumed.CapacityUnits ?? 0;
        return result;
      },
      { step: 'initialize', name: 'benchRequestCounter', override: true },
    );
  }

  reset(): void {
    this.operations = {};
    this.writeUnits = 0;
    this.readUnits = 0;
    this.itemsRead = 0;
  }

  get total(): number {
    return Object.values(this.operations).reduce((sum, count) => sum + count, 0);
  }

  describe(): string {
    return (
      Object.entries(this.operations)
        .map(([name, count]) => `${name.replace(/Command$/, '')} ${count}`)
        .join(', ') || 'none'
    );
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
