// Validators for config, state and catalog files and for every record before it is written. They are
// ajv's standalone code, generated from schemas/*.json at build time (scripts/gen-validators.mjs), so no
// schema is compiled when the tap starts.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type {
  PurchaseOrderItemRow,
  PurchaseOrderItemRowDecimal,
  PurchaseOrderRow,
  PurchaseOrderRowDecimal,
  SingerCatalog,
  TapConfig,
  TapState,
} from '../generated/schemas.js';
import * as generated from '../generated/validators.js';

export const validateConfig = generated.config as ValidateFunction<TapConfig>;
export const validateState = generated.state as ValidateFunction<TapState>;
export const validateCatalog = generated.catalog as ValidateFunction<SingerCatalog>;
const recordValidators: Record<string, ValidateFunction> = {
  purchase_orders: generated.purchase_orders as ValidateFunction<PurchaseOrderRow>,
  purchase_order_items: generated.purchase_order_items as ValidateFunction<PurchaseOrderItemRow>,
  variants: generated.variants as ValidateFunction,
  variant_warehouses: generated.variant_warehouses as ValidateFunction,
  variant_vendors: generated.variant_vendors as ValidateFunction,
  warehouses: generated.warehouses as ValidateFunction,
  vendors: generated.vendors as ValidateFunction,
  variant_snapshots: generated.variant_snapshots as ValidateFunction,
  // The decimal forms (use_singer_decimal), derived from the same schema files by the generators.
  purchase_orders_decimal: generated.purchase_orders_decimal as ValidateFunction<PurchaseOrderRowDecimal>,
  purchase_order_items_decimal: generated.purchase_order_items_decimal as ValidateFunction<PurchaseOrderItemRowDecimal>,
};

/** The validator of a stream's records (its schema in schemas/<stream>.json, in its decimal form if asked). */
export function recordValidator(stream: string, decimal = false): ValidateFunction {
  const validate = recordValidators[decimal ? `${stream}_decimal` : stream];
  if (!validate) throw new Error(`no generated validator for stream ${stream}: add it to scripts/gen-validators.mjs`);
  return validate;
}

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
