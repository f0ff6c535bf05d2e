import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger for every function. The level comes from
 * POWERTOOLS_LOG_LEVEL (the stack sets it; tests set SILENT).
 */
export const logger = new Logger({ serviceName: 'baton' });
