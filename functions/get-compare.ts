export { handler } from '#shared/api/routes/get-compare.ts';
