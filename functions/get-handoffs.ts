export { handler } from '#shared/api/routes/get-handoffs.ts';
