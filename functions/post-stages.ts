export { handler } from '#shared/api/routes/post-stages.ts';
