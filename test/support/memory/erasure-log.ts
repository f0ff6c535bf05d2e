import type { ErasureLog, ErasureLogEntry } from '../../../shared/privacy/erasure.ts';
import { copy, type MemoryTable } from './table.ts';

const positionOf = (entry: ErasureLogEntry) => `${entry.erasedAt} ${entry.erasureId}`;

/** The erasure log in memory: newest first, a page at a time after an opaque cursor. */
export class MemoryErasureLog implements ErasureLog {
  constructor(private readonly table: MemoryTable) {}

  async append(tenantId: string, entry: ErasureLogEntry): Promise<void> {
    this.table.of(tenantId).erasures.push(copy(entry));
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<{ entries: ErasureLogEntry[]; nextCursor?: string }> {
    const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
    const newestFirst = [...this.table.of(tenantId).erasures].sort((a, b) => (positionOf(a) < positionOf(b) ? 1 : -1)).filter((entry) => after === undefined || positionOf(entry) < after);
    const page = newestFirst.slice(0, limit);
    const last = page[page.length - 1];
    return { entries: page.map(copy), ...(newestFirst.length > limit && last ? { nextCursor: Buffer.from(positionOf(last), 'utf8').toString('base64url') } : {}) };
  }

  async all(tenantId: string): Promise<ErasureLogEntry[]> {
    return [...this.table.of(tenantId).erasures].sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1)).map(copy);
  }

  async recordWarehouse(tenantId: string, entry: Pick<ErasureLogEntry, 'erasedAt' | 'erasureId'>, warehouse: NonNullable<ErasureLogEntry['warehouse']>): Promise<void> {
    const stored = this.table.of(tenantId).erasures.find((candidate) => candidate.erasureId === entry.erasureId);
    if (stored) stored.warehouse = { ...warehouse };
  }
}
