export { handler } from '#shared/api/routes/get-funnel.ts';
