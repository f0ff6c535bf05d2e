export { handler } from '#shared/api/routes/get-fx-rates.ts';
