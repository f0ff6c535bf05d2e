import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { MAX_BATCH_RETRIES } from '../../shared/events/ports.ts';
import { accepts, type StreamChanges } from '../../shared/events/stream-changes.ts';
import { logger } from '../../shared/observability/logger.ts';

export { MAX_BATCH_RETRIES };

/** The slowest pace of a poller that found nothing for a while. */
const IDLE_INTERVAL_MS = 800;
/** How often the stream is asked for new shards while none has ended. */
const DISCOVERY_INTERVAL_MS = 1_000;

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

/** One consumer of the stream, as one event source mapping: its handler, its filter, where its failed batches go. */
export interface StreamConsumer {
  handler: StreamHandler;
  onDeadBatch?: DeadBatchHandler;
  /** Like the event source mapping's filter: only records of these entities, on their stream events, reach the handler. */
  entities?: StreamChanges;
}

export interface StreamPollerOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  consumers: readonly StreamConsumer[];
  /**
   * Where the shards open at start are read from, as the event source mapping's StartingPosition:
   * TRIM_HORIZON (the default) from the oldest record kept, LATEST from the records written after start
   * (for a table whose earlier records belong to someone else: the test files that share one). Shards
   * that open later are read from their start either way.
   */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
}

/** What a consumer holds of a shard after its batch failed: the records from the failure on, and how often it failed. */
interface Held {
  records: _Record[];
  failures: number;
}

/** Receives a batch that kept failing, with its records (from the first that failed), and why. */
export type DeadBatchHandler = (event: DynamoDBStreamEvent, error: string) => void;

/**
 * Reads DynamoDB Local's stream of the table and hands each batch to the
 * same stream handlers the stack wires to the real stream, as Lambda's
 * event source mappings would: filtered to each consumer's entities and
 * their stream events, the records in Lambda's shape, a failed batch
 * retried from its failure. Each shard is read once for all the consumers
 * (on AWS each mapping reads it by itself; here four readers cost DynamoDB
 * Local and this process four times the requests), and each consumer keeps
 * its own place: one whose batch failed holds its records from the failure
 * and tries them again with what comes next, while the others go on.
 */
export class LocalStreamPoller {
  private readonly iterators = new Map<string, string | undefined>();
  private readonly finished = new Set<string>();
  /** Per shard, a slot per consumer (by its index): what it holds from a failed batch. */
  private readonly held = new Map<string, Array<Held | undefined>>();
  private timer: NodeJS.Timeout | undefined;
  private tick: () => Promise<void> = async () => undefined;
  private interval = 50;
  private activeInterval = 50;
  private nudged = false;
  private discoveredAt = 0;
  private discoveries = 0;
  private running: Promise<number> | undefined;
  private streamArn: string | undefined;
  private stopped = false;

  constructor(private readonly options: StreamPollerOptions) {}

  static forEndpoint(endpoint: string, options: Omit<StreamPollerOptions, 'streams'>): LocalStreamPoller {
    const streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    return new LocalStreamPoller({ ...options, streams });
  }

  /**
   * Starts at the oldest record the stream keeps (24 hours), as the stack's
   * event source mapping does (unless `startingPosition` says LATEST): writes made while Baton was stopped still
   * reach the consumers, and records seen before change nothing (consumers
   * are idempotent). Polls every `intervalMs` while records come, and backs
   * off to IDLE_INTERVAL_MS while none do (each empty round costs DynamoDB
   * Local and this process CPU: a quarter of a core at a steady 50 ms);
   * `nudge()` brings it back at once after a write.
   */
  async start(intervalMs = 50): Promise<void> {
    this.stopped = false;
    this.activeInterval = this.interval = intervalMs;
    await this.discover();
    const tick = async () => {
      this.timer = undefined;
      const read = await this.pollOnce().catch((error: unknown) => {
        logger.error('Stream polling failed', { error: error as Error });
        return 0;
      });
      this.interval = read > 0 || this.nudged ? this.activeInterval : Math.min(this.interval * 2, IDLE_INTERVAL_MS);
      this.nudged = false;
      if (!this.stopped) this.timer = setTimeout(tick, this.interval);
    };
    this.tick = tick;
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Something was written (the local server answered a request): poll soon, at the active pace again. */
  nudge(): void {
    if (this.stopped) return;
    this.nudged = true;
    if (this.timer && this.interval > this.activeInterval) {
      clearTimeout(this.timer);
      this.timer = setTimeout(this.tick, this.activeInterval);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves once the round under way (if any) has finished. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Polls until the stream has nothing more, so every write so far has reached the handler; resolves to the records read. */
  async drainStream(): Promise<number> {
    let total = 0;
    for (let rounds = 0; rounds < 100; rounds += 1) {
      const read = await this.pollOnce();
      if (read === 0) return total;
      total += read;
    }
    return total;
  }

  /** Opens an iterator for each shard not seen yet: at the starting position for the shards open at start, at its trim horizon for a shard opened since. */
  private async discover(): Promise<void> {
    this.discoveredAt = Date.now();
    const position = this.discoveries++ === 0 ? (this.options.startingPosition ?? 'TRIM_HORIZON') : 'TRIM_HORIZON';
    this.streamArn ??= (await this.options.dynamodb.send(new DescribeTableCommand({ TableName: this.options.tableName }))).Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`Table ${this.options.tableName} has no stream`);
    const description = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId) || this.finished.has(shard.ShardId)) continue;
      const { ShardIterator } = await this.options.streams.send(new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: position }));
      this.iterators.set(shard.ShardId, ShardIterator);
    }
  }

  /** One round over the open shards; resolves to the number of records read. */
  pollOnce(): Promise<number> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<number> {
    let read = 0;
    let shardEnded = false;
    for (const [shardId, iterator] of [...this.iterators]) {
      if (!iterator) {
        // A closed shard: what its consumers hold from a failure is still theirs to finish.
        read += await this.deliverToAll(shardId, []);
        if (this.held.get(shardId)?.some(Boolean)) continue;
        this.held.delete(shardId);
        this.iterators.delete(shardId);
        this.finished.add(shardId);
        shardEnded = true;
        continue;
      }
      let page: GetRecordsCommandOutput;
      try {
        page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      } catch (error) {
        // An iterator left too long, or pointing below what DynamoDB Local has trimmed under load: start the shard again
        // from its trim horizon, as the event source mapping does; the handlers are idempotent, so a record read twice is harmless.
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
          this.iterators.delete(shardId);
          shardEnded = true;
          continue;
        }
        throw error;
      }
      const records = page.Records ?? [];
      read += records.length;
      read += await this.deliverToAll(shardId, records);
      this.iterators.set(shardId, page.NextShardIterator);
    }
    // Shards close and new ones open over time: pick the new ones up from their start (when one ended, else once a second).
    if (shardEnded || Date.now() - this.discoveredAt >= DISCOVERY_INTERVAL_MS) await this.discover();
    return read;
  }

  /** Hands each consumer its records of a page at once, as the mappings run side by side; resolves to the held records tried again. */
  private async deliverToAll(shardId: string, page: readonly _Record[]): Promise<number> {
    let slots = this.held.get(shardId);
    if (!slots) this.held.set(shardId, (slots = []));
    const retried = await Promise.all(this.options.consumers.map((consumer, index) => this.deliver(consumer, page, { shardId, slots, index })));
    return retried.reduce((sum, count) => sum + count, 0);
  }

  /** Hands a consumer its records of a page (after those it holds from a failure); resolves to the held records tried again. */
  private async deliver(consumer: StreamConsumer, page: readonly _Record[], { shardId, slots, index }: { shardId: string; slots: Array<Held | undefined>; index: number }): Promise<number> {
    const held = slots[index];
    const records = [...(held?.records ?? []), ...page.filter((record) => !consumer.entities || accepts(consumer.entities, record))];
    if (records.length === 0) return 0;
    const event = { Records: records.map(asLambdaRecord) } as unknown as DynamoDBStreamEvent;
    const { batchItemFailures } = await consumer.handler(event);
    slots[index] = undefined;
    if (batchItemFailures.length === 0) return held?.records.length ?? 0;
    const failures = (held?.failures ?? 0) + 1;
    if (failures > MAX_BATCH_RETRIES) {
      // Like the event source mapping's on-failure destination: keep the batch, move on.
      logger.error('A stream batch kept failing; it is kept as a dead letter', { shardId, consumer: index, records: records.length, first: records[0]?.dynamodb?.SequenceNumber });
      consumer.onDeadBatch?.(event, `the batch failed ${failures} times, from sequence number ${batchItemFailures[0]?.itemIdentifier ?? records[0]?.dynamodb?.SequenceNumber}`);
      return 0;
    }
    // Like the event source mapping: retry from the failed record, on the next round.
    const failedAt = records.findIndex((record) => record.dynamodb?.SequenceNumber === batchItemFailures[0]?.itemIdentifier);
    slots[index] = { records: records.slice(Math.max(0, failedAt)), failures };
    return records.length;
  }
}

/** The SDK reads a record's creation time as a Date; Lambda hands it over in epoch seconds. */
function asLambdaRecord(record: _Record): unknown {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  if (!record.dynamodb || !(created instanceof Date)) return record;
  return { ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } };
}
