export { handler } from '#shared/api/routes/put-spend-mappings.ts';
