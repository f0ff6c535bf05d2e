export { handler } from '#shared/api/routes/post-transactions.ts';
