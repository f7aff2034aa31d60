// The smoke test from settings to report: open the target (a URL, a
// port-forward, an in-cluster curl Pod), run the health and metrics checks
// against it within one deadline, close the target whatever happened.
import type { HttpHeader } from '../http/curl.js';
import { redact } from '../secrets/redact.js';
import type { CheckSpec } from './checks.js';
import type { JsonFieldCheck } from './json-fields.js';
import type { MetricCondition } from './metric-conditions.js';
import type { SmokeReport } from './report.js';
import { runChecks } from './run-checks.js';
import {
  describeTarget,
  joinUrl,
  openTarget,
  type OpenTarget,
  type SmokeTarget,
  type TargetEnvironment,
} from './targets.js';

export type { SmokeTarget } from './targets.js';

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

export type SmokeEnvironment = TargetEnvironment;

/** Longest wait between attempts. */
const MAX_RETRY_DELAY_MS = 10_000;

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
    target: describeTarget(settings.target),
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
