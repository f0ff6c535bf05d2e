export { handler } from '#shared/api/routes/patch-config.ts';
