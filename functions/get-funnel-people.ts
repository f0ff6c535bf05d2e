export { handler } from '#shared/api/routes/get-funnel-people.ts';
