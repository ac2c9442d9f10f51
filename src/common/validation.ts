// Validators of the input files (config, state and catalog), and the one way their problems are phrased. They are
// ajv's standalone code, generated from schemas/*.json at build time (scripts/gen-validators.mjs), so no
// schema is compiled when the tap starts.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { SingerCatalog, TapConfig, TapState } from '../generated/schemas.js';
import * as generated from '../generated/validators.js';

export const validateConfig = generated.config as ValidateFunction<TapConfig>;
export const validateState = generated.state as ValidateFunction<TapState>;
export const validateCatalog = generated.catalog as ValidateFunction<SingerCatalog>;

/** Every problem as one readable phrase each, e.g. `page_size must be <= 1000`. */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((e) => {
    const path = (root + e.instancePath).replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'required') return `${path ? `${path}.` : ''}${String(e.params.missingProperty)} is required`;
    if (e.keyword === 'additionalProperties')
      return `${path ? `${path}.` : ''}${String(e.params.additionalProperty)} is not allowed`;
    if (e.keyword === 'format') return `${path || 'value'} must be ${formatName(String(e.params.format))}`;
    return `${path || 'value'} ${e.message ?? 'is invalid'}`;
  });
}

function formatName(format: string): string {
  if (format === 'rfc3339-date-or-date-time')
    return 'an RFC 3339 date or date-time (e.g. 2024-01-31 or 2024-01-31T00:00:00Z)';
  if (format === 'uri') return 'an absolute URL';
  return `a valid ${format}`;
}
