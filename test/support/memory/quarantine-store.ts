import type { QuarantinedDelivery, QuarantineStore } from '../../../shared/webhooks/quarantine.ts';
import type { MemoryTable } from './table.ts';

const keyOf = (delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>) => `${delivery.tenantId} ${delivery.id}`;
const copyOf = (delivery: QuarantinedDelivery): QuarantinedDelivery => ({ ...structuredClone({ ...delivery, rawBody: undefined }), rawBody: Buffer.from(delivery.rawBody) });

/** Quarantined deliveries in memory: each kept once, whatever its retries. */
export class MemoryQuarantineStore implements QuarantineStore {
  constructor(private readonly table: MemoryTable) {}

  async put(delivery: QuarantinedDelivery, _retentionDays: number): Promise<void> {
    if (!this.table.quarantine.has(keyOf(delivery))) this.table.quarantine.set(keyOf(delivery), copyOf(delivery));
  }

  async list(): Promise<QuarantinedDelivery[]> {
    return [...this.table.quarantine.values()].map(copyOf).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  }

  async remove(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>): Promise<void> {
    this.table.quarantine.delete(keyOf(delivery));
  }

  async recordAttempt(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>, error: string): Promise<void> {
    const stored = this.table.quarantine.get(keyOf(delivery));
    if (stored) Object.assign(stored, { attempts: stored.attempts + 1, lastError: error.slice(0, 2000) });
  }
}
