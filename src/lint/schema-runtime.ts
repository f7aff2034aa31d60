// What validation code needs besides the schema, the same for validators
// compiled at run time (schema-compile.ts) and ahead of time
// (precompiled.ts): the formats Kubernetes data keeps, Go patterns, and the
// list-map-keys check of server-side apply.

// Kubernetes and CRD schemas carry Go (RE2) patterns. JavaScript has no
// inline flags, so a pattern that turns on case folding at its start
// (`(?i)...` or `^(?i)...`, as prometheus-operator's CRDs do) gets the `i`
// flag instead; anything else is JavaScript syntax already.
const LEADING_CASE_FOLD = /^(\^?)\(\?i\)/;

function goRegExpEngine(pattern: string, flags: string): RegExp {
  const folded = LEADING_CASE_FOLD.exec(pattern);
  if (!folded) return new RegExp(pattern, flags);
  return new RegExp(folded[1] + pattern.slice(folded[0].length), `${flags}i`);
}

/** ajv's `code.regExp` option; `code` is how generated code reaches it (see precompiled.ts). */
export const goRegExp = Object.assign(goRegExpEngine, { code: 'runtime.regExp' });

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Formats the data keeps (see schema-data.ts); the rest were dropped. */
export const FORMATS = {
  int32: {
    type: 'number' as const,
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  },
  int64: { type: 'number' as const, validate: (n: number) => Number.isSafeInteger(n) },
};

/**
 * The key values (JSON) shared by two items of a list whose items are
 * identified by `keys`, or undefined when all differ: server-side apply
 * (helm 4's default) rejects such a list.
 */
export function duplicateListMapKey(items: unknown[], keys: string[]): string | undefined {
  const seen = new Set<string>();
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const id = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? null));
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}
