// The smoke test from settings to report: open the target (a URL, a
// port-forward, an in-cluster curl Pod), run the health and metrics checks
// against it within one deadline, close the target whatever happened.
import { localCurl, type CurlTransport, type HttpHeader } from '../http/curl.js';
import { startCurlPod, type CurlPod } from '../kube/curl-pod.js';
import type { KubeContext } from '../kube/kube-context.js';
import { startPortForward, type PortForward } from '../kube/port-forward.js';
import { redact } from '../secrets/redact.js';
import type { CheckSpec } from './checks.js';
import type { JsonFieldCheck } from './json-fields.js';
import type { MetricCondition } from './metric-conditions.js';
import type { SmokeReport } from './report.js';
import { runChecks } from './run-checks.js';

export interface ServiceRef {
  namespace: string;
  service: string;
  port: number;
  metricsPort: number;
  scheme: 'http' | 'https';
}

export type SmokeTarget =
  | { kind: 'url'; url: string; metricsUrl: string }
  | ({ kind: 'port-forward' } & ServiceRef)
  | ({ kind: 'pod'; image: string } & ServiceRef);

export interface SmokeSettings {
  target: SmokeTarget;
  healthPath: string;
  metricsPath: string;
  checkMetrics: boolean;
  expectedStatus: number[];
  healthFields: JsonFieldCheck[];
  requiredMetrics: string[];
  metricConditions: MetricCondition[];
  /** The whole smoke test, opening the target included. */
  timeoutMs: number;
  checkTimeoutMs: number;
  retryDelayMs: number;
  insecure: boolean;
  caFile?: string;
  headers: HttpHeader[];
}

export interface SmokeEnvironment {
  curl: string;
  /** Needed by the port-forward and pod targets. */
  kube?: KubeContext;
  /** Where secret curl configs are written (RUNNER_TEMP). */
  tempDir: string;
  log?: (line: string) => void;
}

/** Longest wait between attempts. */
const MAX_RETRY_DELAY_MS = 10_000;

interface OpenTarget {
  description: string;
  healthBase: string;
  metricsBase: string;
  transport: CurlTransport;
  close(): Promise<void>;
}

/** Joins a base URL (which may carry a path prefix) and an endpoint path. */
export function joinUrl(base: string, endpoint: string): string {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, '') + endpoint;
  return url.toString();
}

/** The metrics URL of a base URL: same scheme and host, the metrics port. */
export function withPort(base: string, port: number): string {
  const url = new URL(base);
  url.port = String(port);
  return url.toString();
}

function describe(target: SmokeTarget): string {
  switch (target.kind) {
    case 'url':
      return `url ${target.url}`;
    case 'port-forward':
      return `kubectl port-forward service/${target.service} in namespace ${target.namespace}`;
    case 'pod':
      return `curl Pod (${target.image}) in namespace ${target.namespace} → service/${target.service}`;
  }
}

async function openTarget(
  target: SmokeTarget,
  env: SmokeEnvironment,
  readyTimeoutMs: number,
  lifetimeSeconds: number,
): Promise<OpenTarget> {
  const log = env.log ?? (() => {});
  if (target.kind === 'url') {
    return {
      description: describe(target),
      healthBase: target.url,
      metricsBase: target.metricsUrl,
      transport: localCurl(env.curl, env.tempDir),
      close: async () => {},
    };
  }
  if (!env.kube) throw new Error(`target ${target.kind} needs kubectl`);
  if (target.kind === 'port-forward') {
    const forward: PortForward = await startPortForward({
      kube: env.kube,
      namespace: target.namespace,
      resource: `service/${target.service}`,
      remotePorts: [target.port, target.metricsPort],
      readyTimeoutMs,
      onLine: (line) => log(`port-forward: ${line}`),
    });
    const local = (port: number) => `${target.scheme}://127.0.0.1:${forward.localPorts.get(port)}`;
    log(
      `port-forward ready: ${target.port} -> ${local(target.port)}, ${target.metricsPort} -> ${local(target.metricsPort)}`,
    );
    return {
      description: describe(target),
      healthBase: local(target.port),
      metricsBase: local(target.metricsPort),
      transport: localCurl(env.curl, env.tempDir),
      close: () => forward.stop(),
    };
  }
  const pod: CurlPod = await startCurlPod({
    kube: env.kube,
    namespace: target.namespace,
    image: target.image,
    lifetimeSeconds,
    readyTimeoutMs,
  });
  log(`curl Pod ${pod.namespace}/${pod.name} is ready`);
  const host = `${target.service}.${target.namespace}.svc`;
  return {
    description: `${describe(target)} (Pod ${pod.name})`,
    healthBase: `${target.scheme}://${host}:${target.port}`,
    metricsBase: `${target.scheme}://${host}:${target.metricsPort}`,
    transport: pod.transport,
    close: () => pod.delete(),
  };
}

export function checkSpecs(
  settings: SmokeSettings,
  healthBase: string,
  metricsBase: string,
): CheckSpec[] {
  const specs: CheckSpec[] = [
    {
      kind: 'health',
      name: 'health',
      url: joinUrl(healthBase, settings.healthPath),
      expectedStatus: settings.expectedStatus,
      fields: settings.healthFields,
    },
  ];
  if (settings.checkMetrics) {
    specs.push({
      kind: 'metrics',
      name: 'metrics',
      url: joinUrl(metricsBase, settings.metricsPath),
      expectedStatus: [200],
      required: settings.requiredMetrics,
      conditions: settings.metricConditions,
    });
  }
  return specs;
}

export async function smokeTest(
  settings: SmokeSettings,
  env: SmokeEnvironment,
): Promise<SmokeReport> {
  const started = Date.now();
  const deadline = started + settings.timeoutMs;
  const report: SmokeReport = {
    passed: false,
    target: describe(settings.target),
    durationMs: 0,
    checks: [],
    errors: [],
  };
  let target: OpenTarget | undefined;
  try {
    target = await openTarget(
      settings.target,
      env,
      settings.timeoutMs,
      Math.ceil(settings.timeoutMs / 1000) + 120,
    );
    report.target = target.description;
    report.checks = await runChecks(checkSpecs(settings, target.healthBase, target.metricsBase), {
      transport: target.transport,
      headers: settings.headers,
      insecure: settings.insecure,
      caFile: settings.caFile,
      deadline,
      checkTimeoutMs: settings.checkTimeoutMs,
      retryDelayMs: settings.retryDelayMs,
      maxRetryDelayMs: MAX_RETRY_DELAY_MS,
      log: env.log,
    });
  } catch (error) {
    report.errors.push(redact(error instanceof Error ? error.message : String(error)));
  } finally {
    try {
      await target?.close();
    } catch (error) {
      report.errors.push(
        redact(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
  report.passed = report.errors.length === 0 && report.checks.every((check) => check.passed);
  report.durationMs = Date.now() - started;
  return report;
}
