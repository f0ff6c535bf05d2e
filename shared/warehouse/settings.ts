/** The warehouse export's defaults: a window of 15 minutes, written 5 minutes after it ends (the change log is complete by then). */
export const WAREHOUSE_DEFAULTS = { intervalMinutes: 15, lagMinutes: 5 } as const;

/** How long the change log keeps a change: a window older than this has nothing left to write. */
export const CHANGE_LOG_DAYS = 14;
