export { handler } from '#shared/api/routes/post-recompute.ts';
