import * as z from 'zod';

/** A non-negative decimal amount as a string, e.g. "19.99" (its exponent is checked against the currency). */
export const MoneyStringSchema = z.string().regex(/^\d{1,16}(\.\d{1,12})?$/, 'a decimal amount as a string, e.g. "19.99"');
