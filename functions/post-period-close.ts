export { handler } from '#shared/api/routes/post-period-close.ts';
