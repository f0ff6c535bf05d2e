export { handler } from '#shared/api/routes/put-fx-rates.ts';
