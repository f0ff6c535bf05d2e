export { handler } from '#shared/api/routes/get-config.ts';
