/** The warehouse export's defaults: a window of 15 minutes, written 5 minutes after it ends (the change log is complete by then). */
export const WAREHOUSE_DEFAULTS = { intervalMinutes: 15, lagMinutes: 5 } as const;
