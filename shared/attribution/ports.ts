import type { AttributionConfig } from '../tenants/attribution-config.ts';
import type { AttributionResult } from './engine.ts';
import type { HeuristicModel } from './models.ts';
import type { Contributions } from './rollups.ts';

export interface StoredAttribution {
  transactionId: string;
  /** Bumped by every change; rollups moved by exactly the difference at each bump. */
  version: number;
  result: AttributionResult;
  contributions: Contributions;
  /** The config the result was computed with: late data re-attributes under it, recompute under the current one. */
  config: AttributionConfig;
  resultHash: string;
}

/** A person's journey since their last order that has not converted (yet): Markov's non-converting paths. */
export interface StoredOpenJourney {
  personKey: string;
  version: number;
  contributions: Contributions;
  hash: string;
}

export interface RollupCell {
  day: string;
  currency: string;
  attributes: Record<string, number>;
}

export interface AttributionStore {
  get(tenantId: string, transactionId: string): Promise<StoredAttribution | undefined>;
  /**
   * Stores the attribution if its version is still `expectedVersion` (0:
   * none yet) and adds `delta` to the rollups in the same transaction;
   * false when another writer got there first.
   */
  save(tenantId: string, next: Omit<StoredAttribution, 'version'>, expectedVersion: number, delta: Contributions): Promise<boolean>;
  getOpenJourney(tenantId: string, personKey: string): Promise<StoredOpenJourney | undefined>;
  /** As `save`, for an open journey. */
  saveOpenJourney(tenantId: string, next: Omit<StoredOpenJourney, 'version'>, expectedVersion: number, delta: Contributions): Promise<boolean>;
  rollupCells(tenantId: string, model: HeuristicModel | 'totals' | 'paths', fromDay: string, toDay: string): Promise<RollupCell[]>;
}
