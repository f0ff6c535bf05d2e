export { handler } from '#shared/api/routes/get-spend-audit.ts';
