export { handler } from '#shared/api/routes/get-cohorts.ts';
