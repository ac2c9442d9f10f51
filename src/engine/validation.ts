// The validator of every record before it is written: ajv's standalone code, generated from schemas/<stream>.json
// at build time (scripts/gen-validators.mjs), so no schema is compiled when the tap starts.
import type { ValidateFunction } from 'ajv';
import * as generated from '../generated/validators.js';

/** One per schemas/<stream>.json, and `<stream>_decimal` for the decimal form of one with money columns. */
const recordValidators = generated as unknown as Record<string, ValidateFunction | undefined>;

/** The validator of a stream's records (its schema in schemas/<stream>.json, in its decimal form if asked). */
export function recordValidator(stream: string, decimal = false): ValidateFunction {
  const validate = recordValidators[decimal ? `${stream}_decimal` : stream];
  if (!validate || ['config', 'state', 'catalog'].includes(stream))
    throw new Error(
      `no generated validator for stream ${stream}: add schemas/${stream}.json and run npm run gen:validators`,
    );
  return validate;
}
