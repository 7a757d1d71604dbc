import fc from 'fast-check';

/**
 * fast-check arbitraries from the OpenAPI document's JSON schemas, for API fuzzing: values that
 * mostly follow the schema (so requests reach the handlers), with hostile values mixed in at
 * every level (wrong types, missing and extra fields, huge and odd values).
 */
export type JsonSchema = Record<string, any>;

export const ODD_VALUES: unknown[] = [
  null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 31), '', ' ', '\u0000', '\u202e', '💥'.repeat(500), 'x'.repeat(100_000),
  [], {}, [[[[[[[[]]]]]]]], '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', 'NaN', '1e999', '__proto__', { __proto__: { admin: true } },
  { constructor: { prototype: { x: 1 } } }, '2026-02-30T25:61:00Z', '%00', '\ud800',
];

export const odd = (): fc.Arbitrary<unknown> => fc.oneof(fc.constantFrom(...ODD_VALUES), fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 50 }));

const bound = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Values for one schema; `hostility` is the weight of an odd value against 10 for a schema value at each node. */
export function fromSchema(schema: JsonSchema | undefined, hostility = 1, depth = 0): fc.Arbitrary<unknown> {
  const plain = conforming(schema, hostility, depth);
  return hostility > 0 ? fc.oneof({ weight: 10, arbitrary: plain }, { weight: hostility, arbitrary: odd() }) : plain;
}

function conforming(schema: JsonSchema | undefined, hostility: number, depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 6 || Object.keys(schema).length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length) return fc.oneof(...alternatives.map((s: JsonSchema) => fromSchema(s, hostility, depth + 1)));
  if (Array.isArray(schema.allOf)) return conforming(Object.assign({}, ...schema.allOf), hostility, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'uuid') return fc.uuid();
      const min = bound(schema.minLength, 0);
      return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(bound(schema.maxLength, 40), 60)) });
    }
    case 'integer':
      return fc.integer({ min: Math.max(bound(schema.minimum, -1000), -(2 ** 31)), max: Math.min(bound(schema.maximum, 100_000), 2 ** 31) });
    case 'number':
      return fc.double({ min: bound(schema.minimum, -1e6), max: bound(schema.maximum, 1e6), noNaN: true, noDefaultInfinity: true });
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items, hostility, depth + 1), { maxLength: Math.min(bound(schema.maxItems, 4), 4) });
    case 'object': {
      const props: Record<string, JsonSchema> = schema.properties ?? {};
      const required: string[] = schema.required ?? [];
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fromSchema(s, hostility, depth + 1)]));
      const record = fc.record(model, { requiredKeys: required.filter((k) => k in props) });
      const extras = typeof schema.additionalProperties === 'object'
        ? fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fromSchema(schema.additionalProperties, hostility, depth + 1), { maxKeys: 3 })
        : fc.constant({});
      return fc.tuple(record, extras).map(([r, e]) => ({ ...e, ...r }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A request body for a schema: mostly schema-shaped, sometimes with a required field missing, an unknown field, or something else entirely. */
export function hostileBody(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const shaped = fromSchema(schema, 1);
  const required: string[] = schema?.required ?? [];
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: fc.tuple(shaped, fc.nat()).map(([v, n]) => {
      if (!v || typeof v !== 'object' || Array.isArray(v) || required.length === 0) return v;
      const copy = { ...(v as Record<string, unknown>) };
      delete copy[required[n % required.length]];
      return copy;
    }) },
    { weight: 2, arbitrary: fc.tuple(shaped, fc.string({ minLength: 1, maxLength: 20 }), odd()).map(([v, k, x]) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as object), [k]: x } : v)) },
    { weight: 1, arbitrary: odd() },
  );
}
