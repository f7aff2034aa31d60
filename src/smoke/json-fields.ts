// Checks on fields of a JSON health response: `status=Healthy`,
// `checks.database.status=Healthy`, `version!=0.0.0`, `items.0.name=api`.
// Dotted paths; a numeric segment indexes an array.

export interface JsonFieldCheck {
  text: string;
  path: string[];
  op: '=' | '!=';
  expected: string;
}

export interface JsonFieldResult {
  check: string;
  passed: boolean;
  detail: string;
}

const SEGMENT = /^[A-Za-z0-9_$@-]+$/;

export function parseJsonFieldCheck(text: string): JsonFieldCheck {
  const source = text.trim();
  const eq = source.indexOf('=');
  if (eq < 1) throw new Error(`expected path=value or path!=value, got ${JSON.stringify(source)}`);
  const negated = source[eq - 1] === '!';
  const pathText = source.slice(0, negated ? eq - 1 : eq).trim();
  const path = pathText.split('.');
  if (!path.every((segment) => SEGMENT.test(segment))) {
    throw new Error(
      `expected a dotted path of field names such as checks.database.status, got ${JSON.stringify(pathText)}`,
    );
  }
  return { text: source, path, op: negated ? '!=' : '=', expected: source.slice(eq + 1).trim() };
}

function lookup(document: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of path) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, segment))
      current = (current as Record<string, unknown>)[segment];
    else return { found: false };
    if (current === undefined) return { found: false };
  }
  return { found: true, value: current };
}

export function evaluateJsonField(check: JsonFieldCheck, document: unknown): JsonFieldResult {
  const { found, value } = lookup(document, check.path);
  const name = check.path.join('.');
  if (!found) return { check: check.text, passed: false, detail: `${name} is missing` };
  if (value !== null && typeof value === 'object') {
    return {
      check: check.text,
      passed: false,
      detail: `${name} is ${Array.isArray(value) ? 'an array' : 'an object'}, not a value`,
    };
  }
  const actual = typeof value === 'string' ? value : JSON.stringify(value);
  const equal = actual === check.expected;
  return {
    check: check.text,
    passed: check.op === '=' ? equal : !equal,
    detail: `${name} is ${JSON.stringify(value)}`,
  };
}
