import type { Identifier } from '../../../shared/identity/identity.ts';
import { emptyPartition, walkPerson } from '../../../shared/recording/person-walk.ts';
import { type ErasedLeftover, type Journal, MAX_PERSON_IDENTIFIERS, type PersonRecords, type WriteOutcome } from '../../../shared/recording/ports.ts';
import type { Link, Stage } from '../../../shared/recording/stages.ts';
import type { Touch } from '../../../shared/recording/touches.ts';
import { copy, entryKey, type MemoryTable, type PersonEntry, type TenantItems } from './table.ts';

const occurredAtOf = (entry: PersonEntry): string | undefined => {
  switch (entry.kind) {
    case 'touch':
      return entry.touch.occurredAt;
    case 'stage':
      return entry.stage.occurredAt;
    case 'link':
      return entry.link.occurredAt;
    case 'tx_ref':
      return entry.ref.occurredAt;
    case 'tombstone':
      return undefined;
  }
};

/** An entry of an erased person's past: dated no later than its partition's tombstone. */
export function erasedPast(partition: ReadonlyMap<string, PersonEntry>): (entry: PersonEntry) => boolean {
  const tombstone = partition.get(entryKey.tombstone);
  if (tombstone?.kind !== 'tombstone') return () => false;
  return (entry) => {
    const at = occurredAtOf(entry);
    return at !== undefined && at <= tombstone.erasure.erasedAt;
  };
}

/** A leftover's reference: which partition, which entry, whose heir. */
export interface LeftoverRef {
  identifier: Identifier;
  key: string;
  heir: Identifier;
}

const otherEnd = (link: Link, self: Identifier) => (link.from === self ? link.to : link.from);

/** The journal in memory: each touch, stage and link once (a guard per record, as in DynamoDB), erased pasts left out of reads. */
export class MemoryJournal implements Journal {
  constructor(private readonly table: MemoryTable) {}

  async recordTouches(tenantId: string, touches: Touch[], _retentionDays: number): Promise<WriteOutcome[]> {
    const items = this.table.of(tenantId);
    return touches.map((touch) => {
      const guard = items.touchGuards.get(touch.touchId);
      if (guard !== undefined) return guard === touch.contentHash ? 'duplicate' : 'conflict';
      items.touchGuards.set(touch.touchId, touch.contentHash);
      items.partition(touch.identifiers[0]!).set(entryKey.touch(touch), { kind: 'touch', touch: copy(touch) });
      return 'stored';
    });
  }

  async recordReplayableTouches(tenantId: string, touches: Touch[], _retentionDays: number): Promise<void> {
    const items = this.table.of(tenantId);
    for (const touch of touches) items.partition(touch.identifiers[0]!).set(entryKey.touch(touch), { kind: 'touch', touch: copy(touch) });
  }

  async recordStages(tenantId: string, stages: Stage[], _retentionDays: number): Promise<WriteOutcome[]> {
    const items = this.table.of(tenantId);
    // The day markers first, as in DynamoDB: a recompute never misses a stored stage.
    for (const stage of stages) this.markActive(items, stage);
    return stages.map((stage) => {
      const partition = items.partition(stage.identifiers[0]!);
      const stored = partition.get(entryKey.stage(stage));
      if (stored?.kind === 'stage') return stored.stage.contentHash === stage.contentHash ? 'duplicate' : 'conflict';
      partition.set(entryKey.stage(stage), { kind: 'stage', stage: copy(stage) });
      return 'stored';
    });
  }

  private markActive(items: TenantItems, stage: Stage): void {
    const day = stage.occurredAt.slice(0, 10);
    const people = items.activity.get(day) ?? new Set();
    people.add(stage.identifiers[0]!);
    items.activity.set(day, people);
  }

  async recordLinks(tenantId: string, links: Link[], _retentionDays: number): Promise<WriteOutcome[]> {
    const items = this.table.of(tenantId);
    const outcomes = new Map<string, WriteOutcome>();
    return links.map((link) => {
      const id = `${link.from} ${link.to}`;
      const known = outcomes.get(id);
      if (known) return known;
      const from = items.partition(link.from);
      // A link's content is its two ends: one seen before is a duplicate, never a conflict.
      const outcome: WriteOutcome = from.get(entryKey.link(link.to))?.kind === 'link' ? 'duplicate' : 'stored';
      if (outcome === 'stored') {
        from.set(entryKey.link(link.to), { kind: 'link', link: copy(link), primary: true });
        items.partition(link.to).set(entryKey.link(link.from), { kind: 'link', link: copy(link), primary: false });
      }
      outcomes.set(id, outcome);
      return outcome;
    });
  }

  async activePeople(tenantId: string, utcDay: string): Promise<Identifier[]> {
    return [...(this.table.of(tenantId).activity.get(utcDay) ?? [])];
  }

  async linkedIdentifiers(tenantId: string, seeds: readonly Identifier[]): Promise<Identifier[]> {
    const items = this.table.of(tenantId);
    const seen = new Set<Identifier>(seeds);
    let frontier = [...seen];
    while (frontier.length > 0) {
      const next: Identifier[] = [];
      for (const self of frontier) {
        const partition = items.people.get(self) ?? new Map<string, PersonEntry>();
        const erased = erasedPast(partition);
        for (const entry of partition.values()) {
          if (entry.kind !== 'link' || erased(entry)) continue;
          const other = otherEnd(entry.link, self);
          if (!seen.has(other) && seen.size < MAX_PERSON_IDENTIFIERS) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    return [...seen].sort();
  }

  personRecords(tenantId: string, seeds: Identifier[]): Promise<PersonRecords> {
    const items = this.table.of(tenantId);
    return walkPerson(seeds, async (frontier) =>
      frontier.map((self) => {
        const partition = items.people.get(self) ?? new Map<string, PersonEntry>();
        const erased = erasedPast(partition);
        const contents = emptyPartition();
        for (const [key, entry] of partition) {
          if (entry.kind === 'tombstone') contents.erased = true;
          else if (erased(entry)) contents.erasedLeftovers.push(leftover({ identifier: self, key, heir: tombstoneOf(partition)! }));
          else if (entry.kind === 'touch') contents.touches.push(copy(entry.touch));
          else if (entry.kind === 'stage') contents.stages.push(copy(entry.stage));
          else if (entry.kind === 'tx_ref') contents.transactions.push(copy(entry.ref));
          else contents.linked.push(otherEnd(entry.link, self));
        }
        return contents;
      }),
    );
  }
}

function tombstoneOf(partition: ReadonlyMap<string, PersonEntry>): Identifier | undefined {
  const tombstone = partition.get(entryKey.tombstone);
  return tombstone?.kind === 'tombstone' ? tombstone.erasure.heir : undefined;
}

export const leftover = (ref: LeftoverRef): ErasedLeftover => ({ ref: JSON.stringify(ref) });
