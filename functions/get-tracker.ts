export { handler } from '#shared/api/routes/get-tracker.ts';
