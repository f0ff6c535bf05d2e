export { handler } from '#shared/api/routes/get-report.ts';
