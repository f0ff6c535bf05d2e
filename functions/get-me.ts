export { handler } from '#shared/api/routes/get-me.ts';
