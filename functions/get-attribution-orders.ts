export { handler } from '#shared/api/routes/get-attribution-orders.ts';
