import type { Identifier } from '../identity/identity.ts';
import type { TransactionRef } from './ports.ts';
import { type ErasedLeftover, MAX_PERSON_IDENTIFIERS, type PersonRecords } from './ports.ts';
import type { Stage } from './stages.ts';
import type { Touch } from './touches.ts';

/** What one identifier's partition holds, as a store read it: its records, where its links lead, what an erasure left behind. */
export interface PartitionContents {
  touches: Touch[];
  stages: Stage[];
  transactions: TransactionRef[];
  /** The other end of each of its links. */
  linked: Identifier[];
  erasedLeftovers: ErasedLeftover[];
  /** It holds a tombstone: an erasure has been (or is being) done. */
  erased: boolean;
}

export const emptyPartition = (): PartitionContents => ({ touches: [], stages: [], transactions: [], linked: [], erasedLeftovers: [], erased: false });

const byTime = <T extends { occurredAt: string }>(a: T, b: T, idA: string, idB: string) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0);

/**
 * A person's records: breadth-first over links from the seeds, reading each
 * round's partitions with `read` (in the order given), up to
 * MAX_PERSON_IDENTIFIERS identifiers; records sorted by time, then id. Every
 * journal walks a person this way; only how a partition is read differs.
 */
export async function walkPerson(seeds: readonly Identifier[], read: (identifiers: Identifier[]) => Promise<PartitionContents[]>): Promise<PersonRecords> {
  const seen = new Set<Identifier>(seeds);
  let frontier = [...seen];
  const records: PersonRecords = { identifiers: [], touches: [], stages: [], transactions: [], truncated: false, erasedLeftovers: [], erasedIdentifiers: [] };
  while (frontier.length > 0) {
    const partitions = await read(frontier);
    const next: Identifier[] = [];
    for (const [index, partition] of partitions.entries()) {
      if (partition.erased) records.erasedIdentifiers.push(frontier[index]!);
      records.touches.push(...partition.touches);
      records.stages.push(...partition.stages);
      records.transactions.push(...partition.transactions);
      records.erasedLeftovers.push(...partition.erasedLeftovers);
      for (const other of partition.linked) {
        if (seen.has(other)) continue;
        if (seen.size >= MAX_PERSON_IDENTIFIERS) records.truncated = true;
        else {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  records.identifiers = [...seen].sort();
  records.touches.sort((a, b) => byTime(a, b, a.touchId, b.touchId));
  records.stages.sort((a, b) => byTime(a, b, a.stageId, b.stageId));
  records.transactions.sort((a, b) => byTime(a, b, a.transactionId, b.transactionId));
  return records;
}
