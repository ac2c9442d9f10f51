// One ajv instance for the whole tap: config, state and catalog files, and every record before it is written.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isRfc3339DateOrDateTime } from './values.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, options: { mode: 'fast' | 'full' }) => Ajv;

// validateSchema off: checking our own schemas against the draft-07 meta-schema on every start costs
// more than all the other compiles together; test/unit/schemas.test.ts checks them once instead.
export const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, validateSchema: false });
// Fast mode checks formats by pattern: every record is checked, and the value coercions already
// guarantee real calendar dates, so full mode would only double the cost.
addFormats(ajv, { mode: 'fast' });
ajv.addFormat('rfc3339-date-or-date-time', isRfc3339DateOrDateTime);

export function compile<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

/** Every problem as one readable phrase each, e.g. `page_size must be <= 1000`. */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((e) => {
    const path = (root + e.instancePath).replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'required') return `${path ? path + '.' : ''}${String(e.params.missingProperty)} is required`;
    if (e.keyword === 'additionalProperties') return `${path ? path + '.' : ''}${String(e.params.additionalProperty)} is not allowed`;
    if (e.keyword === 'format') return `${path || 'value'} must be ${formatName(String(e.params.format))}`;
    return `${path || 'value'} ${e.message ?? 'is invalid'}`;
  });
}

function formatName(format: string): string {
  if (format === 'rfc3339-date-or-date-time') return 'an RFC 3339 date or date-time (e.g. 2024-01-31 or 2024-01-31T00:00:00Z)';
  if (format === 'uri') return 'an absolute URL';
  return `a valid ${format}`;
}
