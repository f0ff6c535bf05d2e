export { handler } from '#shared/api/routes/not-found.ts';
