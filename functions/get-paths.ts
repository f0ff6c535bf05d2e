export { handler } from '#shared/api/routes/get-paths.ts';
