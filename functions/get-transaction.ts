export { handler } from '#shared/api/routes/get-transaction.ts';
