export { handler } from '#shared/api/routes/collect-preflight.ts';
