import { type CatalogCampaign, catalogKey } from '../../../shared/spend/catalog.ts';
import { type ImportedSpendLine, importedLineKey, mergeImportedLines, type SpendImport, type SpendMappings } from '../../../shared/spend/imported.ts';
import type { CampaignCatalog, PeriodSpend, SpendOutcome, SpendStore } from '../../../shared/spend/ports.ts';
import { restatedSpend, type SpendRestatement } from '../../../shared/spend/restatements.ts';
import { type SpendEntry, sameFigure } from '../../../shared/spend/spend.ts';
import { copy, type MemoryTable, type TenantItems } from './table.ts';

/** Each tenant's spend restatements, by `<postedDay>|<key>`. */
const restatedOf = new WeakMap<TenantItems, Map<string, SpendRestatement>>();

const keyOf = (entry: Pick<SpendEntry, 'day' | 'currency' | 'campaign'>) => JSON.stringify([entry.day, entry.currency, entry.campaign]);

/** Spend in memory: a later report replaces an earlier one, never the reverse; an imported line replaces the line of its key. */
export class MemorySpendStore implements SpendStore {
  constructor(private readonly table: MemoryTable) {}

  async putSpend(tenantId: string, entries: readonly SpendEntry[]): Promise<SpendOutcome[]> {
    const spend = this.table.of(tenantId).spend;
    return entries.map((entry) => {
      const before = spend.get(keyOf(entry));
      if (before && before.reportedAt >= entry.reportedAt) return sameFigure(before, entry) ? 'duplicate' : 'stale';
      spend.set(keyOf(entry), copy(entry));
      return before && sameFigure(before, entry) ? 'duplicate' : 'stored';
    });
  }

  async firstDay(tenantId: string): Promise<string | undefined> {
    const items = this.table.of(tenantId);
    return [...items.spend.values(), ...items.importedSpend.values()].map((entry) => entry.day).sort()[0];
  }

  async spendBetween(tenantId: string, fromDay: string, toDay: string, options: { restated?: boolean } = {}): Promise<PeriodSpend> {
    const items = this.table.of(tenantId);
    const inPeriod = <T extends { day: string }>(entries: Iterable<[string, T]>) =>
      [...entries]
        .filter(([, entry]) => entry.day >= fromDay && entry.day <= toDay)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, entry]) => copy(entry));
    const counted = options.restated === false ? { posted: [], imported: [] } : restatedSpend(await this.restatements(tenantId, fromDay, toDay));
    return { posted: [...inPeriod(items.spend), ...counted.posted], imported: [...inPeriod(items.importedSpend), ...counted.imported] };
  }

  private restated(tenantId: string): Map<string, SpendRestatement> {
    let restated = restatedOf.get(this.table.of(tenantId));
    if (!restated) restatedOf.set(this.table.of(tenantId), (restated = new Map()));
    return restated;
  }

  async restatements(tenantId: string, fromDay: string, toDay: string): Promise<SpendRestatement[]> {
    return [...this.restated(tenantId).values()].filter((one) => one.postedDay >= fromDay && one.postedDay <= toDay).map(copy);
  }

  async addRestatements(tenantId: string, restatements: readonly SpendRestatement[]): Promise<void> {
    const restated = this.restated(tenantId);
    for (const restatement of restatements) {
      const id = `${restatement.postedDay}|${restatement.key}`;
      const before = restated.get(id);
      restated.set(id, { ...copy(restatement), amount: (before?.amount ?? 0) + restatement.amount });
    }
  }

  async foldRestatements(tenantId: string, originalMonth: string, now: Date): Promise<number> {
    const items = this.table.of(tenantId);
    const restated = this.restated(tenantId);
    const keys = new Set<string>();
    for (const [id, restatement] of [...restated]) {
      if (restatement.originalPeriod !== originalMonth) continue;
      keys.add(restatement.key);
      if (restatement.posted) {
        const held = items.spend.get(keyOf(restatement.posted))?.amount ?? 0;
        items.spend.set(keyOf(restatement.posted), { ...restatement.posted, amount: held + restatement.amount, reportedAt: now.toISOString() });
      } else if (restatement.imported) {
        const key = importedLineKey(restatement.imported);
        items.importedSpend.set(key, { ...restatement.imported, cost: (items.importedSpend.get(key)?.cost ?? 0) + restatement.amount });
      }
      restated.delete(id);
    }
    return keys.size;
  }

  async saveImport(tenantId: string, record: Omit<SpendImport, 'replaced'>, lines: readonly ImportedSpendLine[]): Promise<{ replaced: number }> {
    const items = this.table.of(tenantId);
    const merged = mergeImportedLines([...items.importedSpend.values()], lines.map(copy));
    items.importedSpend.clear();
    for (const line of merged.lines) items.importedSpend.set(importedLineKey(line), line);
    const { replaced } = merged;
    items.spendImports.push(copy({ ...record, replaced }));
    return { replaced };
  }

  async recentImports(tenantId: string, limit: number): Promise<SpendImport[]> {
    return [...this.table.of(tenantId).spendImports]
      .sort((a, b) => (a.importedAt < b.importedAt ? 1 : -1))
      .slice(0, limit)
      .map(copy);
  }

  async getMappings(tenantId: string): Promise<SpendMappings | undefined> {
    const mappings = this.table.of(tenantId).spendMappings;
    return mappings && copy(mappings);
  }

  async putMappings(tenantId: string, mappings: SpendMappings): Promise<void> {
    this.table.of(tenantId).spendMappings = copy(mappings);
  }
}

/** The campaign catalog in memory: entries merged per campaign, source and medium, their ids a set. */
export class MemoryCampaignCatalog implements CampaignCatalog {
  constructor(private readonly table: MemoryTable) {}

  async rememberCampaigns(tenantId: string, campaigns: readonly CatalogCampaign[]): Promise<void> {
    const catalog = this.table.of(tenantId).campaigns;
    for (const entry of campaigns) {
      const before = catalog.get(catalogKey(entry));
      catalog.set(catalogKey(entry), { ...copy(entry), ids: [...new Set([...(before?.ids ?? []), ...entry.ids])].sort() });
    }
  }

  async campaigns(tenantId: string): Promise<CatalogCampaign[]> {
    return [...this.table.of(tenantId).campaigns.values()].map(copy);
  }
}
