export { handler } from '#shared/api/routes/export-summary.ts';
