export { handler } from '#shared/api/routes/post-touches.ts';
