export { handler } from '#shared/api/routes/post-identify.ts';
