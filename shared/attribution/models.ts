/** Per-transaction models (docs/contract.md#the-line-between-marketing-and-sales). */
export const HEURISTIC_MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'time_decay', 'w_shaped'] as const;
export type HeuristicModel = (typeof HEURISTIC_MODELS)[number];

/** Models computed over a period's journeys; they appear in reports. */
export const DATA_DRIVEN_MODELS = ['markov', 'shapley'] as const;
export type DataDrivenModel = (typeof DATA_DRIVEN_MODELS)[number];

export const MODELS = [...HEURISTIC_MODELS, ...DATA_DRIVEN_MODELS] as const;
export type Model = (typeof MODELS)[number];
