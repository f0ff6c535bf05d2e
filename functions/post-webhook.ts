export { handler } from '#shared/api/routes/post-webhook.ts';
