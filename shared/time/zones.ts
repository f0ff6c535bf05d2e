/**
 * Kept so existing imports go on working: days and time zones now live in `./days.ts`
 * (plain IANA zones) and `./calendar.ts` (a tenant's zone changes). Import from those.
 */
export { DaySchema, dayRange, daysBetween, periodCheck, startOfDay } from './days.ts';
