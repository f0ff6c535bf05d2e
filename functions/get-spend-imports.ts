export { handler } from '#shared/api/routes/get-spend-imports.ts';
