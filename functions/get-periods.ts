export { handler } from '#shared/api/routes/get-periods.ts';
