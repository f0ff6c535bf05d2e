export { handler } from '#shared/api/routes/post-period-reopen.ts';
