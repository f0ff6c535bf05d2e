export { handler } from '#shared/api/routes/get-job.ts';
