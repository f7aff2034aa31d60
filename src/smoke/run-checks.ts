// Runs each check until it passes or the deadline comes: one curl request per
// attempt (bounded by the per-check timeout and by the time left), backoff
// between attempts (p-retry), and a record of what the last attempt saw.
import pRetry, { AbortError } from 'p-retry';
import {
  curl,
  describeCurlError,
  PERMANENT_CURL_ERRORS,
  type CurlResponse,
  type CurlTransport,
  type HttpHeader,
} from '../http/curl.js';
import { redact } from '../secrets/redact.js';
import { judge, type CheckSpec, type Verdict } from './checks.js';

export interface RunChecksOptions {
  transport: CurlTransport;
  headers?: readonly HttpHeader[];
  insecure?: boolean;
  caFile?: string;
  /** Absolute time (ms since epoch) after which no new attempt starts. */
  deadline: number;
  checkTimeoutMs: number;
  /** First wait between attempts; doubles up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  log?: (line: string) => void;
  /** Called once the first attempt has finished, passed or failed. */
  onFirstAttempt?: () => void;
}

export interface CheckOutcome {
  name: string;
  kind: CheckSpec['kind'];
  url: string;
  passed: boolean;
  /** HTTP status of the last attempt; 0 when no response arrived. */
  status: number;
  attempts: number;
  /** curl's time_total of the last attempt. */
  latencyMs: number;
  /** From the first attempt to the verdict. */
  durationMs: number;
  /** Why the check failed (last attempt), or what it confirmed. */
  message: string;
  notes: string[];
  /** Start of the failing response body, redacted and flattened. */
  bodyExcerpt?: string;
}

const EXCERPT_CHARS = 300;

class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly response?: CurlResponse,
    readonly verdict?: Verdict,
  ) {
    super(message);
    this.name = 'AttemptFailure';
  }
}

export function bodyExcerpt(body: string): string | undefined {
  const flat = redact(body)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!flat) return undefined;
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}...` : flat;
}

export async function runCheck(spec: CheckSpec, options: RunChecksOptions): Promise<CheckOutcome> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  let attempts = 0;
  let last: AttemptFailure | undefined;

  const attempt = async (n: number) => {
    try {
      return await attemptOnce(n);
    } finally {
      if (n === 1) options.onFirstAttempt?.();
    }
  };

  const attemptOnce = async (n: number) => {
    // The deadline decides whether an attempt starts; a started attempt gets
    // the whole check timeout, so its failure says what the service did.
    if (n > 1 && Date.now() >= options.deadline) throw new AbortError(last ?? 'deadline reached');
    const timeoutMs = options.checkTimeoutMs;
    attempts = n;
    let response: CurlResponse;
    try {
      response = await curl(options.transport, {
        url: spec.url,
        timeoutMs,
        headers: options.headers,
        insecure: options.insecure,
        caFile: options.caFile,
      });
    } catch (error) {
      // curl could not run at all (missing binary, kubectl exec failure): not the service's fault.
      throw new AbortError(error instanceof Error ? error : String(error));
    }
    if (response.exitCode !== 0) {
      const failure = new AttemptFailure(describeCurlError(response, timeoutMs), response);
      last = failure;
      if (PERMANENT_CURL_ERRORS.has(response.exitCode)) throw new AbortError(failure);
      throw failure;
    }
    const verdict = judge(spec, response.status, response.body);
    if (!verdict.passed) {
      last = new AttemptFailure(verdict.problems.join('; '), response, verdict);
      throw last;
    }
    return { response, verdict };
  };

  const outcome = (passed: boolean, message: string, response?: CurlResponse): CheckOutcome => ({
    name: spec.name,
    kind: spec.kind,
    url: spec.url,
    passed,
    status: response?.status ?? 0,
    attempts,
    latencyMs: response?.timeMs ?? 0,
    durationMs: Date.now() - started,
    message: redact(message),
    notes: [],
  });

  try {
    const { response, verdict } = await pRetry(attempt, {
      retries: Infinity,
      factor: 2,
      minTimeout: options.retryDelayMs,
      maxTimeout: Math.max(options.maxRetryDelayMs, options.retryDelayMs),
      maxRetryTime: Math.max(options.deadline - started, 0),
      onFailedAttempt: ({ error, attemptNumber }) => {
        log(`${spec.name}: attempt ${attemptNumber} failed: ${redact(error.message)}`);
      },
    });
    log(
      `${spec.name}: passed on attempt ${attempts} (HTTP ${response.status}, ${response.timeMs} ms)`,
    );
    const result = outcome(true, verdict.notes.join('; ') || `HTTP ${response.status}`, response);
    result.notes = verdict.notes;
    return result;
  } catch (error) {
    const failure = error instanceof AttemptFailure ? error : last;
    const message =
      error instanceof AttemptFailure || !last
        ? error instanceof Error
          ? error.message
          : String(error)
        : `${error instanceof Error ? error.message : String(error)} (last attempt: ${last.message})`;
    const result = outcome(false, message, failure?.response);
    if (failure?.response && failure.response.exitCode === 0)
      result.bodyExcerpt = bodyExcerpt(failure.response.body);
    log(`${spec.name}: failed after ${attempts} attempt(s): ${result.message}`);
    return result;
  }
}

/**
 * Runs the checks side by side, each with the whole deadline, but starts each
 * one after the first attempt of the one before: the first metrics scrape
 * then already counts the health request, and a failing health check does
 * not use up the metrics check's time.
 */
export async function runChecks(
  specs: readonly CheckSpec[],
  options: RunChecksOptions,
): Promise<CheckOutcome[]> {
  const running: Promise<CheckOutcome>[] = [];
  let previousAttempt: Promise<void> = Promise.resolve();
  for (const spec of specs) {
    await previousAttempt;
    let attempted: () => void = () => {};
    previousAttempt = new Promise<void>((resolve) => (attempted = resolve));
    const run = runCheck(spec, { ...options, onFirstAttempt: () => attempted() });
    void run.finally(() => attempted());
    running.push(run);
  }
  return Promise.all(running);
}
