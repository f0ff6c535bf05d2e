export { handler } from '#shared/api/routes/post-spend-import.ts';
