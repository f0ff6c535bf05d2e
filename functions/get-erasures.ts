export { handler } from '#shared/api/routes/get-erasures.ts';
