export { handler } from '#shared/api/routes/get-sales-report.ts';
