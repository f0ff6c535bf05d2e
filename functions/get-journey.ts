export { handler } from '#shared/api/routes/get-journey.ts';
