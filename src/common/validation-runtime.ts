// What the generated validators (src/generated/validators.ts) call at run time: the string formats,
// ajv-formats' fast (pattern) forms plus the tap's own start_date format, and a string length in code points.
import { fastFormats } from 'ajv-formats/dist/formats.js';
import { isRfc3339DateOrDateTime } from '../values/coercions.js';

const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

export const formats = {
  // Fast mode checks formats by pattern: every record is checked, and the value coercions already
  // guarantee real calendar dates, so full mode would only double the cost.
  ...fastFormats,
  'rfc3339-date-or-date-time': isRfc3339DateOrDateTime,
  // Plain decimal text, as src/values/decimal.ts writes it (its precision and scale are that function's job).
  'x-singer.decimal': (text: string): boolean => DECIMAL_TEXT.test(text),
};

/**
 * minLength/maxLength count code points, as ajv's runtime ucs2length does. Ours because that module is
 * CommonJS with an `exports.default`, which Node, vitest and the bundler each import differently.
 */
export const ucs2length = (text: string): number => [...text].length;
