export { handler } from '#shared/api/routes/collect.ts';
