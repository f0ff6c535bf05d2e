export { handler } from '#shared/api/routes/get-spend-mappings.ts';
