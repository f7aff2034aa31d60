// Every input of actions/smoke-test (and of `hotswap-ci smoke-test`), read and
// validated in one place before anything is requested: a bad value fails the
// step with a message naming the input, the value and what is expected.
import { existsSync, statSync } from 'node:fs';
import type { HttpHeader } from '../http/curl.js';
import { validateHeader } from '../http/curl.js';
import { InputError } from '../inputs/errors.js';
import {
  parseBoolean,
  parseChoice,
  parseDnsLabel,
  parseDuration,
  parseInteger,
  parseList,
} from '../inputs/parse.js';
import { parseReleaseName } from '../inputs/cluster.js';
import { DEFAULT_CURL_IMAGE } from '../kube/curl-pod.js';
import { parseJsonFieldCheck, type JsonFieldCheck } from './json-fields.js';
import { parseMetricCondition, type MetricCondition } from './metric-conditions.js';
import { isMetricName } from './prometheus-text.js';
import type { SmokeSettings } from './smoke-test.js';
import { withPort, type SmokeTarget } from './targets.js';
import { withDefaults } from '../inputs/defaults.js';
import type { InputReader } from '../inputs/parse.js';

export const TARGETS = ['url', 'port-forward', 'pod'] as const;

export interface Inputs {
  settings: SmokeSettings;
  kubeconfig?: string;
  kubeContext?: string;
  /** The helm release whose deployed revision the test is recorded on (passed or rejected). */
  release?: { name: string; namespace: string };
  /** Values to mask before anything is logged. */
  secrets: string[];
}

const MASKED = '***';

/** An http(s) URL without credentials (those belong in secret-headers). */
function parseHttpUrl(name: string, raw: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, raw, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(name, raw, 'an absolute http:// or https:// URL');
  if (url.username || url.password)
    throw new InputError(
      name,
      `${url.protocol}//${MASKED}@${url.host}`,
      'a URL without user:password (send credentials with secret-headers)',
    );
  if (url.search || url.hash)
    throw new InputError(name, raw, 'a base URL without ?query or #fragment');
  return url.toString();
}

function parsePath(name: string, raw: string): string {
  const value = raw.trim();
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$/.test(value))
    throw new InputError(
      name,
      raw,
      "a path starting with '/', such as /health or /readyz?verbose, without spaces or '#'",
    );
  return value;
}

function parsePort(name: string, raw: string): number {
  return parseInteger(name, raw, { min: 1, max: 65535 });
}

function parseStatuses(name: string, raw: string): number[] {
  const items = parseList(raw);
  if (items.length === 0)
    throw new InputError(name, raw, 'one or more HTTP status codes (100-599)');
  return items.map((item) => parseInteger(name, item, { min: 100, max: 599 }));
}

/** `Name: value` lines. Secret values are masked in the error message. */
function parseHeaders(name: string, raw: string, secret: boolean): HttpHeader[] {
  return raw
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => {
      const colon = line.indexOf(':');
      const headerName = colon === -1 ? '' : line.slice(0, colon).trim();
      const value = colon === -1 ? '' : line.slice(colon + 1).trim();
      const shown = secret ? (colon > 0 ? `${headerName}: ${MASKED}` : MASKED) : line.trim();
      if (colon < 1) throw new InputError(name, shown, "one 'Name: value' header per line");
      const problem = validateHeader(headerName, value);
      if (problem) throw new InputError(name, shown, `'Name: value' headers (${problem})`);
      return { name: headerName, value, secret };
    });
}

/** A header value and, for `<scheme> <credential>` values, the credential alone (servers echo it). */
function secretParts(value: string): string[] {
  const credential = /^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value)?.[1];
  return credential ? [value, credential] : [value];
}

function parseEach<T>(
  name: string,
  raw: string,
  parse: (item: string) => T,
  expected: string,
): T[] {
  return parseList(raw).map((item) => {
    try {
      return parse(item);
    } catch (error) {
      throw new InputError(
        name,
        item,
        `${expected} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  });
}

/** Metric conditions: one per line (commas belong to label matchers). */
function conditionLines(raw: string): string {
  return raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join('\n');
}

function parseTarget(input: InputReader): SmokeTarget {
  const kind = parseChoice('target', input('target'), TARGETS, 'url');
  const port = parsePort('port', input('port') || '8080');
  const metricsPort = parsePort('metrics-port', input('metrics-port') || '5000');
  if (kind === 'url') {
    if (!input('url').trim())
      throw new InputError('url', '', "a URL such as http://hotswap.dev.svc:8080 (target 'url')");
    const url = parseHttpUrl('url', input('url'));
    const metricsUrl = input('metrics-url').trim()
      ? parseHttpUrl('metrics-url', input('metrics-url'))
      : withPort(url, metricsPort);
    return { kind, url, metricsUrl };
  }
  const namespace = parseDnsLabel('namespace', input('namespace'));
  if (!input('service').trim())
    throw new InputError('service', '', `the name of the Service to test (target '${kind}')`);
  const service = parseDnsLabel('service', input('service'));
  const scheme = parseChoice('scheme', input('scheme'), ['http', 'https'] as const, 'http');
  const ref = { namespace, service, port, metricsPort, scheme };
  if (kind === 'port-forward') return { kind, ...ref };
  const image = input('curl-image').trim() || DEFAULT_CURL_IMAGE;
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/.test(image))
    throw new InputError('curl-image', image, 'an image reference such as curlimages/curl:8.11.1');
  return { kind, image, ...ref };
}

export function parseSmokeInputs(given: InputReader): Inputs {
  const input = withDefaults(given, 'smoke-test');
  const target = parseTarget(input);
  const timeoutMs = parseDuration('timeout', input('timeout'));
  const checkTimeoutMs = parseDuration('check-timeout', input('check-timeout'));
  const retryDelayMs = parseDuration('retry-delay', input('retry-delay'));
  if (timeoutMs <= 0) throw new InputError('timeout', input('timeout'), 'a duration above zero');
  if (checkTimeoutMs < 100)
    throw new InputError('check-timeout', input('check-timeout'), 'a duration of 100ms or more');

  const healthFields: JsonFieldCheck[] = parseEach(
    'health-fields',
    input('health-fields'),
    parseJsonFieldCheck,
    'path=value or path!=value checks such as status=Healthy',
  );
  const requiredMetrics = parseList(input('required-metrics')).map((name) => {
    if (!isMetricName(name))
      throw new InputError(
        'required-metrics',
        name,
        'Prometheus metric names ([a-zA-Z_:][a-zA-Z0-9_:]*)',
      );
    return name;
  });
  const metricConditions: MetricCondition[] = conditionLines(input('metric-conditions'))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return parseMetricCondition(line);
      } catch (error) {
        throw new InputError(
          'metric-conditions',
          line,
          `one condition per line such as hotswap_http_requests_total{code="200"} >= 1 (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    });
  const checkMetrics = parseBoolean('check-metrics', input('check-metrics'));
  if (!checkMetrics && (requiredMetrics.length || metricConditions.length))
    throw new InputError(
      'check-metrics',
      input('check-metrics'),
      'true when required-metrics or metric-conditions are given',
    );

  const caFile = input('ca-file').trim() || undefined;
  if (caFile) {
    if (target.kind === 'pod')
      throw new InputError(
        'ca-file',
        caFile,
        "no CA file with target 'pod' (the file is not in the Pod)",
      );
    if (!existsSync(caFile) || !statSync(caFile).isFile())
      throw new InputError('ca-file', caFile, 'the path of a readable PEM file');
  }
  const secretHeaders = parseHeaders('secret-headers', input('secret-headers'), true);
  const headers = [...parseHeaders('headers', input('headers'), false), ...secretHeaders];

  const settings: SmokeSettings = {
    target,
    healthPath: parsePath('health-path', input('health-path')),
    metricsPath: parsePath('metrics-path', input('metrics-path')),
    checkMetrics,
    expectedStatus: parseStatuses('expected-status', input('expected-status')),
    healthFields,
    requiredMetrics,
    metricConditions,
    timeoutMs,
    // One attempt never outlasts the whole smoke test's budget.
    checkTimeoutMs: Math.min(checkTimeoutMs, timeoutMs),
    retryDelayMs,
    insecure: parseBoolean('insecure', input('insecure')),
    caFile,
    headers,
  };
  const release = input('release').trim()
    ? {
        name: parseReleaseName('release', input('release')),
        namespace: parseDnsLabel('namespace', input('namespace')),
      }
    : undefined;
  return {
    settings,
    release,
    kubeconfig: input('kubeconfig').trim() || undefined,
    kubeContext: input('kube-context').trim() || undefined,
    secrets: secretHeaders.flatMap((header) => secretParts(header.value)),
  };
}
