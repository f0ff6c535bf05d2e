export { handler } from '#shared/api/routes/health.ts';
