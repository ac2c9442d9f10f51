// The two forms of a record schema, both derived from its file in schemas/ (the single source of truth).
// A property that carries `"x-decimal": {"precision": P, "scale": S}` there is a money or quantity column:
// - number form (default): as written, a JSON number, the annotation left out;
// - decimal form (use_singer_decimal): the Meltano SDK's exact decimal, a string with
//   `format: x-singer.decimal` and the declared precision and scale (target-postgres: numeric(P,S),
//   target-snowflake: NUMBER(P,S)).
// No imports on purpose: scripts/gen-types.mjs loads this file as it is to generate validators and types.

export const DECIMAL_ANNOTATION = 'x-decimal';
export const DECIMAL_FORMAT = 'x-singer.decimal';

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

export interface DecimalSpec {
  precision: number;
  scale: number;
}

/** column -> precision and scale, for the annotated properties of a record schema. */
export function decimalColumns(schema: Schema): Record<string, DecimalSpec> {
  const out: Record<string, DecimalSpec> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const spec = property[DECIMAL_ANNOTATION] as DecimalSpec | undefined;
    if (spec) out[name] = { precision: spec.precision, scale: spec.scale };
  }
  return out;
}

export function numberForm<T extends Schema>(schema: T): T {
  return mapProperties(schema, (property) => {
    const { [DECIMAL_ANNOTATION]: _spec, ...rest } = property;
    return rest;
  });
}

export function decimalForm<T extends Schema>(schema: T): T {
  return mapProperties(schema, (property) => {
    const { [DECIMAL_ANNOTATION]: spec, type, ...rest } = property;
    if (!spec) return property;
    const nullable = Array.isArray(type) && type.includes('null');
    const { precision, scale } = spec as DecimalSpec;
    return { type: nullable ? ['string', 'null'] : 'string', format: DECIMAL_FORMAT, precision, scale, ...rest };
  });
}

function mapProperties<T extends Schema>(schema: T, map: (p: Record<string, unknown>) => Record<string, unknown>): T {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, p]) => [name, map(p)]));
  return { ...schema, properties };
}
