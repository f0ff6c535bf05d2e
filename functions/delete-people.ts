export { handler } from '#shared/api/routes/delete-people.ts';
