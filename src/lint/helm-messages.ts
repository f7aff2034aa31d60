// Reads helm's lint messages and template errors into findings with a place
// to point at: a values key (values.schema.json errors), a template line
// (`execution error at (hotswap/templates/x.yaml:8:6)`), or a chart file.
import type { LintMessage, LintSeverity } from '../helm/render.js';

export type Place =
  | { kind: 'values-key'; path: (string | number)[] }
  | {
      kind: 'template';
      source: string;
      line?: number;
      /** As helm prints it: counted from 0. */
      column?: number;
      /** The values key the error says may hold a value of the wrong kind: where to point when a values file sets it to a scalar. */
      values?: string[];
    }
  | { kind: 'chart-file'; path: string; key?: string }
  | { kind: 'file'; path: string; line?: number };

export interface HelmFinding {
  severity: 'error' | 'warning';
  message: string;
  place: Place;
}

// `- at '/image/pullPolicy': value must be one of ...` (helm 4, helm >= 3.18)
const SCHEMA_AT = /^- at '([^']*)': (.*)$/;
// `- image.pullPolicy: image.pullPolicy must be one of ...` / `- (root): Additional property x is not allowed` (older helm 3)
const SCHEMA_DOTTED = /^- ([^:\s]+): (.*)$/;
// `template: hotswap/templates/x.yaml:12:3:`, `error at (hotswap/templates/x.yaml:8:6)`, `at (c/templates/x.yaml:17)`,
// and helm 4's execution errors, which start a line with the place:
// `hotswap/templates/x.yaml:6:15\n  executing "hotswap/templates/x.yaml" at <.Values.a.b>: ...`
const TEMPLATE_AT =
  /(?:\(|template: |on |^)([\w.@-]+\/(?:[\w.@-]+\/)*[\w.@-]+\.(?:ya?ml|tpl|txt|json))(?::(\d+))?(?::(\d+))?/m;

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function dottedToPath(dotted: string): (string | number)[] {
  if (dotted === '(root)') return [];
  return dotted.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Keys a schema message names under its path: additional properties, and
 * missing properties (`missing property 'policy'`; a key written without a
 * value, `policy:`, is where to set it).
 */
function namedKeys(message: string): string[] {
  const named =
    /additional propert(?:y|ies) (.+?) (?:is |are )?not allowed/i.exec(message) ??
    /^missing propert(?:y|ies) (.+)$/i.exec(message);
  if (named)
    return [...named[1]!.matchAll(/'([^']+)'|(\S+)/g)]
      .map((m) => m[1] ?? m[2]!.replace(/,$/, ''))
      .filter((k) => k && k !== 'and');
  // older helm 3 (gojsonschema): `(root): policy is required`
  const required = /^(\S+) is required$/.exec(message);
  return required ? [required[1]!] : [];
}

/** values.schema.json violations listed in a lint message or template error; empty when there are none. */
export function valuesSchemaFindings(text: string, fromValuesFile = false): HelmFinding[] {
  // The dotted form is only trusted where helm says these are schema errors.
  const dottedAllowed = fromValuesFile || text.includes('specifications of the schema');
  const findings: HelmFinding[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const pointer = SCHEMA_AT.exec(line);
    const at = pointer ?? (dottedAllowed ? SCHEMA_DOTTED.exec(line) : null);
    if (!at) continue;
    const base = pointer ? pointerToPath(at[1]!) : dottedToPath(at[1]!);
    const message = at[2]!.trim();
    const keys = namedKeys(message);
    const label = base.length ? base.join('.') : '(top level)';
    if (keys.length) {
      for (const key of keys) {
        findings.push({
          severity: 'error',
          message: `values.schema.json: ${[...base, key].join('.')}: ${message}`,
          place: { kind: 'values-key', path: [...base, key] },
        });
      }
    } else {
      findings.push({
        severity: 'error',
        message: `values.schema.json: ${label}: ${message}`,
        place: { kind: 'values-key', path: base },
      });
    }
  }
  return findings;
}

// `at <.Values.ingress.hosts>: range can't iterate over minio.example.com` (a string where a
// list goes), `at <.Values.persistence.subPath>: can't evaluate field subPath in type
// interface {}` (`persistence: true` where a map goes; or no `persistence` at all)
const WRONG_KIND =
  /at <\.Values\.([\w.]+)>:\s*(?:range can't iterate over|can't evaluate field (\w+) in type)/;

/**
 * The values key an execution error says may hold a value of the wrong
 * kind: the key `range` read, or the one a field was read from. Whether a
 * values file sets it to a scalar decides whether it is the cause.
 */
function wrongKindKey(text: string): string[] | undefined {
  const match = WRONG_KIND.exec(text);
  if (!match) return undefined;
  const read = match[1]!.split('.');
  if (match[2] === undefined) return read;
  const field = read.indexOf(match[2], 1);
  return field > 0 ? read.slice(0, field) : undefined;
}

function templatePlace(text: string): Place | undefined {
  const match = TEMPLATE_AT.exec(text);
  if (!match) return undefined;
  const values = wrongKindKey(text);
  return {
    kind: 'template',
    source: match[1]!,
    ...(match[2] ? { line: Number(match[2]) } : {}),
    ...(match[3] ? { column: Number(match[3]) } : {}),
    ...(values ? { values } : {}),
  };
}

const CHART_YAML_KEYS = [
  'apiVersion',
  'appVersion',
  'kubeVersion',
  'version',
  'name',
  'icon',
  'dependencies',
  'type',
];

function chartFilePlace(path: string, message: string): Place {
  if (path === 'Chart.yaml') {
    // helm 4 parses Chart.yaml strictly: `json: unknown field "engine"` (a helm 2 field)
    const unknown = /unknown field "([^"]+)"/.exec(message)?.[1];
    const key = unknown ?? CHART_YAML_KEYS.find((k) => new RegExp(`\\b${k}\\b`, 'i').test(message));
    return { kind: 'chart-file', path, ...(key ? { key } : {}) };
  }
  return { kind: 'chart-file', path };
}

// `chart directory is missing these dependencies: redis-ha` (lint), `found in Chart.yaml, but
// missing in charts/ directory: redis-ha` (template): the dependency is not vendored.
const MISSING_DEPENDENCIES = /missing these dependencies:|missing in charts\/ directory:/;

/** Where a chart-level message points: the `dependencies:` of Chart.yaml when it names missing ones. */
function chartPlace(path: string, message: string): Place {
  return MISSING_DEPENDENCIES.test(message) ? DEPENDENCIES : chartFilePlace(path, message);
}
const DEPENDENCIES: Place = { kind: 'chart-file', path: 'Chart.yaml', key: 'dependencies' };

/** Findings from `helm lint` messages (INFO messages are not findings). */
export function lintFindings(messages: readonly LintMessage[]): HelmFinding[] {
  const findings: HelmFinding[] = [];
  for (const m of messages) {
    if (m.severity === 'INFO') continue;
    const severity = severityOf(m.severity);
    const schema = valuesSchemaFindings(m.message, m.path === 'values.yaml');
    if (schema.length) {
      findings.push(...schema.map((f) => ({ ...f, severity })));
      continue;
    }
    const named = templatePlace(m.message);
    const place =
      named ??
      (m.path.startsWith('templates/') && m.path !== 'templates/'
        ? { kind: 'template' as const, source: m.path }
        : chartPlace(m.path || 'Chart.yaml', m.message));
    // `templates/: <template>:35:21 executing …` is helm template's error with a prefix that
    // names no file: without it, the two are one finding
    const prefix = named && m.path === 'templates/' ? '' : m.path;
    findings.push({ severity, message: `${prefix}: ${m.message}`.replace(/^: /, ''), place });
  }
  return findings;
}

function severityOf(s: LintSeverity): 'error' | 'warning' {
  return s === 'ERROR' ? 'error' : 'warning';
}

// `failed to parse /abs/values.yaml: ... yaml: line 3: ...` (a values file helm could not read;
// some messages name no line: `yaml: unknown anchor 'y' referenced`)
const VALUES_PARSE = /failed to parse ([^:\s]+):(?:.*?\bline (\d+))?/s;

/** Findings from a failed `helm template` (or a lint `Error:` line). */
export function helmErrorFindings(error: string): HelmFinding[] {
  const schema = valuesSchemaFindings(error);
  if (schema.length) return schema;
  const values = VALUES_PARSE.exec(error);
  if (values) {
    return [
      {
        severity: 'error',
        message: error,
        place: {
          kind: 'file',
          path: values[1]!,
          ...(values[2] ? { line: Number(values[2]) } : {}),
        },
      },
    ];
  }
  const place: Place =
    templatePlace(error) ??
    (MISSING_DEPENDENCIES.test(error) ? DEPENDENCIES : { kind: 'chart-file', path: 'Chart.yaml' });
  return [{ severity: 'error', message: error, place }];
}
