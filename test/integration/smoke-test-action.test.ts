// actions/smoke-test as the runner runs it (the built bundle), against the
// real stand-in HotSwap API on loopback, through the real curl. A wrapper
// `curl` first on PATH records every argv before exec'ing the real one.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, runCli } from '../support/cli.js';
import { REPO_ROOT, runAction, type ActionRun } from '../support/run-action.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';

interface CheckReport {
  name: string;
  url: string;
  passed: boolean;
  status: number;
  attempts: number;
  latencyMs: number;
  message: string;
  bodyExcerpt?: string;
}
interface Report {
  passed: boolean;
  target: string;
  checks: CheckReport[];
  errors: string[];
}

const REAL_CURL = execFileSync('sh', ['-c', 'command -v curl']).toString().trim();
let binDir: string;
let argvLog: string;

/** A PATH dir whose `curl` logs its argv (one JSON array per call) and runs the real curl. */
function curlWrapper(): { dir: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'curl-wrapper-'));
  const log = path.join(dir, 'argv.log');
  writeFileSync(log, '');
  const script = `#!/usr/bin/env node
const { appendFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { statSync } = require('node:fs');
const argv = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, JSON.stringify(argv) + '\\n');
const config = argv.indexOf('--config');
if (config !== -1 && argv[config + 1] !== '-') {
  const mode = (statSync(argv[config + 1]).mode & 0o777).toString(8);
  appendFileSync(${JSON.stringify(log + '.modes')}, mode + '\\n');
}
const r = spawnSync(${JSON.stringify(REAL_CURL)}, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
`;
  writeFileSync(
    path.join(dir, 'curl'),
    script.replace('#!/usr/bin/env node', '#!' + process.execPath),
  );
  chmodSync(path.join(dir, 'curl'), 0o755);
  return { dir, log };
}

function curlCalls(): string[][] {
  return readFileSync(argvLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

const servers: StandIn[] = [];
async function standIn(env: Record<string, string> = {}): Promise<StandIn> {
  const server = await startStandIn({ env });
  servers.push(server);
  return server;
}

function smoke(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction('smoke-test', {
    inputs: { 'retry-delay': '200ms', timeout: '5s', 'check-timeout': '2s', ...inputs },
    env: { PATH: `${binDir}:${process.env.PATH}`, ...env },
    timeoutMs: 60_000,
  });
}

function report(run: ActionRun): Report {
  return JSON.parse(run.outputs.report!) as Report;
}

function check(run: ActionRun, name: string): CheckReport {
  const found = report(run).checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${run.outputs.report}`);
  return found;
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', 'smoke-test'], { cwd: REPO_ROOT });
  const wrapper = curlWrapper();
  binDir = wrapper.dir;
  argvLog = wrapper.log;
}, 120_000);

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  writeFileSync(argvLog, '');
  writeFileSync(`${argvLog}.modes`, '');
});

describe('smoke-test against the stand-in HotSwap API', () => {
  it('passes on /health and Prometheus /metrics with fields, metrics and conditions', async () => {
    const api = await standIn({ INITIAL_SWAPS: '3', APP_VERSION: '2.1.0' });
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      'health-fields': 'status=Healthy\nchecks.kernel.status=Healthy\nversion!=0.0.0',
      'required-metrics':
        'hotswap_http_requests_total, hotswap_kernel_swaps_total, process_cpu_seconds_total, hotswap_http_request_duration_seconds',
      'metric-conditions': [
        'hotswap_http_requests_total{route="/health",code="200"} >= 1',
        'hotswap_kernel_swaps_total{result="success"} == 3',
        'sum(hotswap_kernel_swaps_total{result=~"success|failure"}) >= 3',
        'count(hotswap_kernels_loaded) == 1',
        'hotswap_http_request_duration_seconds_count{route="/health"} >= 1',
      ].join('\n'),
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);
    expect(run.outputs.passed).toBe('true');
    const health = check(run, 'health');
    expect(health).toMatchObject({ passed: true, status: 200, attempts: 1 });
    expect(health.url).toBe(`${api.url}/health`);
    expect(check(run, 'metrics')).toMatchObject({ passed: true, status: 200, attempts: 1 });
    expect(check(run, 'metrics').message).toContain(
      'hotswap_kernel_swaps_total{result="success"} == 3',
    );
    expect(run.summary).toContain('## Smoke test passed');
    expect(run.summary).toMatch(/\| health \| ✅ passed \| 200 \| 1 \| \d+ ms \|/);
    expect(run.summary).toMatch(/\| metrics \| ✅ passed \| 200 \| 1 \| \d+ ms \|/);
    // The stand-in saw the requests, so the metrics really came from it.
    expect(api.requests.map((r) => r.path)).toEqual(['/health', '/metrics']);
  });

  it('reads OpenMetrics text (counter families without _total, exemplars)', async () => {
    const api = await standIn({ METRICS_FORMAT: 'openmetrics', INITIAL_SWAPS: '2' });
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      'required-metrics': 'hotswap_http_requests, hotswap_http_requests_total',
      'metric-conditions': [
        'hotswap_http_requests_total{route="/health",code="200"} >= 1',
        'hotswap_kernel_swaps_total{result="success"} == 2',
      ].join('\n'),
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);
    expect(check(run, 'metrics').message).toContain(
      'hotswap_http_requests_total{route="/health",code="200"} >= 1',
    );
    const served = await fetch(`${api.metricsUrl}/metrics`);
    expect(served.headers.get('content-type')).toContain('application/openmetrics-text');
    expect(await served.text()).toMatch(/_total\{[^}]*\} \d+ # \{trace_id="\d+"\}/);
  });

  it('derives the metrics URL from url and metrics-port', async () => {
    const api = await standIn();
    const run = await smoke({ url: api.url, 'metrics-port': String(api.metricsPort) });
    expect(run.code).toBe(0);
    expect(check(run, 'metrics').url).toBe(`${api.metricsUrl}/metrics`);
  });

  it('sends the query of health-path and metrics-path', async () => {
    const api = await standIn();
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      'health-path': '/health?verbose=1',
      'metrics-path': '/metrics?name=up%20x',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(check(run, 'health').url).toBe(`${api.url}/health?verbose=1`);
    expect(api.requests.map((r) => r.path)).toEqual(['/health?verbose=1', '/metrics?name=up%20x']);
  });

  it('fails on a wrong status with the status and a body excerpt', async () => {
    const api = await standIn({ HEALTH_STATUS: '500' });
    const run = await smoke({ url: api.url, 'metrics-url': api.metricsUrl, timeout: '2s' });
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('false');
    const health = check(run, 'health');
    expect(health).toMatchObject({ passed: false, status: 500 });
    expect(health.attempts).toBeGreaterThan(1);
    expect(health.message).toBe('HTTP 500, expected 200');
    expect(health.bodyExcerpt).toContain('"status": "Healthy"');
    expect(run.stdout).toMatch(
      /::error::Smoke test failed: health \(.*\/health\) failed after \d+ attempt\(s\): HTTP 500, expected 200/,
    );
    expect(run.summary).toContain('| health | ❌ failed | 500 |');
    expect(run.summary).toContain('health: start of the response body');
  });

  it('accepts another expected status', async () => {
    const api = await standIn({ HEALTH_STATUS: '204' });
    const run = await smoke({
      url: api.url,
      'check-metrics': 'false',
      'expected-status': '200, 204',
    });
    expect(run.code).toBe(0);
    expect(report(run).checks.map((c) => c.name)).toEqual(['health']);
  });

  it('fails on a missing metric', async () => {
    const api = await standIn();
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      'required-metrics': 'hotswap_http_requests_total\nhotswap_rollbacks_total',
      timeout: '1s',
      'check-timeout': '1s',
    });
    expect(run.code).toBe(1);
    expect(check(run, 'health').passed).toBe(true);
    expect(check(run, 'metrics').message).toBe('missing metrics: hotswap_rollbacks_total');
  });

  it('fails on malformed metrics text, naming the line', async () => {
    const api = await standIn({ METRICS_MALFORMED: 'true' });
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      timeout: '1s',
      'check-timeout': '1s',
    });
    expect(run.code).toBe(1);
    expect(check(run, 'metrics').message).toMatch(
      /^not the Prometheus text format, line 3: expected ',' or '}' after label code/,
    );
  });

  it('fails on a label/value condition that is not met, showing the values', async () => {
    const api = await standIn({ INITIAL_SWAPS: '1' });
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      'metric-conditions': 'hotswap_kernel_swaps_total{result="success"} >= 5',
      timeout: '1s',
      'check-timeout': '1s',
    });
    expect(run.code).toBe(1);
    expect(check(run, 'metrics').message).toBe(
      'hotswap_kernel_swaps_total{result="success"} >= 5 not met: hotswap_kernel_swaps_total{result="success",service="hotswap-api"} = 1',
    );
  });

  it('fails on a JSON field mismatch', async () => {
    const api = await standIn({ UNHEALTHY: 'true', HEALTH_STATUS: '200' });
    const run = await smoke({
      url: api.url,
      'check-metrics': 'false',
      'health-fields': 'status=Healthy, checks.database.status=Healthy',
      timeout: '1s',
      'check-timeout': '1s',
    });
    expect(run.code).toBe(1);
    expect(check(run, 'health').message).toBe('status=Healthy: status is "Unhealthy"');
  });

  it('fails on connection refused', async () => {
    const port = await closedPort();
    const run = await smoke({
      url: `http://127.0.0.1:${port}`,
      'check-metrics': 'false',
      timeout: '1s',
    });
    expect(run.code).toBe(1);
    const health = check(run, 'health');
    expect(health.status).toBe(0);
    expect(health.message).toMatch(
      /^connection refused or unreachable \(curl exit 7: curl: \(7\) Failed to connect/,
    );
    expect(run.summary).toContain('| health | ❌ failed | - |');
  });

  it('fails on a server that never answers, within the check timeout', async () => {
    const api = await standIn({ HANG: 'true' });
    const started = Date.now();
    const run = await smoke({
      url: api.url,
      'check-metrics': 'false',
      timeout: '2s',
      'check-timeout': '1s',
    });
    expect(run.code).toBe(1);
    expect(check(run, 'health').message).toMatch(/^no answer within 1s \(curl exit 28/);
    // Attempts start until the 2s deadline and each takes its 1s: about 3s in all.
    // Two attempts, or one when a busy machine delays the first past 1.8s.
    expect([1, 2]).toContain(check(run, 'health').attempts);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('retries: 503 twice then 200 passes, and the summary shows the attempts', async () => {
    const api = await standIn({ FAIL_FIRST: '2' });
    const run = await smoke({ url: api.url, 'metrics-url': api.metricsUrl, timeout: '10s' });
    expect(run.code).toBe(0);
    expect(check(run, 'health')).toMatchObject({ passed: true, attempts: 3, status: 200 });
    expect(check(run, 'metrics')).toMatchObject({ passed: true, attempts: 3, status: 200 });
    expect(run.stdout).toContain('health: attempt 1 failed: HTTP 503, expected 200');
    expect(run.stdout).toContain('health: attempt 2 failed: HTTP 503, expected 200');
    expect(run.summary).toMatch(/\| health \| ✅ passed \| 200 \| 3 \|/);
    expect(api.requests.filter((r) => r.path === '/health').map((r) => r.status)).toEqual([
      503, 503, 200,
    ]);
  });

  it('gives the metrics check its own retries while the health check keeps failing', async () => {
    const api = await standIn({ HEALTH_STATUS: '500', FAIL_FIRST: '2' });
    const run = await smoke({ url: api.url, 'metrics-url': api.metricsUrl, timeout: '3s' });
    expect(run.code).toBe(1);
    expect(check(run, 'health')).toMatchObject({ passed: false, status: 500 });
    expect(check(run, 'metrics')).toMatchObject({ passed: true, status: 200, attempts: 3 });
    expect(run.stdout).toMatch(/::error::Smoke test failed: health \(/);
    expect(run.stdout).not.toMatch(/::error::.*metrics \(/);
  });

  it('sends extra headers and TLS options through to curl', async () => {
    const api = await standIn();
    const run = await smoke({
      url: api.url,
      'check-metrics': 'false',
      headers: 'X-Request-Source: smoke-test\nAccept: application/json',
      insecure: 'true',
    });
    expect(run.code).toBe(0);
    const [argv] = curlCalls();
    expect(argv).toEqual(
      expect.arrayContaining(['--header', 'X-Request-Source: smoke-test', '--insecure']),
    );
    expect(argv).toContain('--max-time');
    expect(argv![argv!.indexOf('--max-time') + 1]).toBe('2');
  });
});

describe('smoke-test with a regex that backtracks catastrophically', () => {
  // (a|aa)*b against 48 a's: minutes with a backtracking engine, blocking the
  // event loop past every timeout. RE2 answers at once: the check ends in time.
  const condition = 'app_info{version=~"(a|aa)*b"} >= 1';
  let url = '';
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`app_info{version="${'a'.repeat(48)}"} 1\n`);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"Healthy"}');
    }
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('is evaluated within the timeout by the action and the CLI, the condition named', async () => {
    const inputs = {
      url,
      'metrics-url': url,
      'metric-conditions': condition,
      timeout: '5s',
      'check-timeout': '2s',
      'retry-delay': '200ms',
    };
    const started = Date.now();
    const run = await smoke(inputs);
    // The smoke test's own 5 s budget, plus start-up on a loaded machine; a
    // backtracking engine takes minutes.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(check(run, 'metrics').message).toContain(condition);
    expect(run.stdout).toMatch(/::error::Smoke test failed: .*app_info\{version=~/);

    const cli = await runCli(cliArgs('smoke-test', inputs), { timeoutMs: 60_000 });
    expect(cli.durationMs).toBeLessThan(20_000);
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stderr).toContain(condition);
  });
});

describe('smoke-test secret headers', () => {
  const TOKEN = 'hs-tok-9f8e7d6c5b4a3210';

  function expectNoLeak(run: ActionRun) {
    const base64 = Buffer.from(TOKEN).toString('base64');
    // ::add-mask:: lines are the runner's masking protocol: the runner consumes them, never shows them.
    const stdout = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    for (const text of [
      stdout,
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      readFileSync(argvLog, 'utf8'),
    ]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(base64);
    }
  }

  it('reaches the server but never argv, logs, summary or outputs', async () => {
    const api = await standIn({ REQUIRE_TOKEN: TOKEN });
    const run = await smoke({
      url: api.url,
      'metrics-url': api.metricsUrl,
      'secret-headers': `Authorization: Bearer ${TOKEN}`,
    });
    expect(run.code).toBe(0);
    expect(api.requests.map((r) => r.status)).toEqual([200, 200]);
    const calls = curlCalls();
    expect(calls).toHaveLength(2);
    // curl found each config file readable by its owner only.
    expect(readFileSync(`${argvLog}.modes`, 'utf8').trim().split('\n')).toEqual(['600', '600']);
    for (const argv of calls) {
      expect(argv).toContain('--config');
      // The 0600 config file is gone once curl has read it.
      expect(existsSync(argv[argv.indexOf('--config') + 1]!)).toBe(false);
    }
    expectNoLeak(run);
  });

  it('is masked in the body excerpt of a server that echoes it back', async () => {
    const api = await standIn({ REQUIRE_TOKEN: TOKEN, ECHO_HEADERS: 'true', HEALTH_STATUS: '500' });
    const run = await smoke({
      url: api.url,
      'check-metrics': 'false',
      'secret-headers': `Authorization: Bearer ${TOKEN}`,
      timeout: '1s',
    });
    expect(run.code).toBe(1);
    const health = check(run, 'health');
    expect(health.status).toBe(500);
    expect(health.bodyExcerpt).toContain('"authorization": "***"');
    expectNoLeak(run);
  });

  it('is masked when echoed back JSON-escaped, in the excerpt and (escaped twice) in the report', async () => {
    const secret = 'a"b\\x-quoted-tok';
    const api = await standIn({ ECHO_HEADERS: 'true', HEALTH_STATUS: '500' });
    const run = await smoke({
      url: api.url,
      'check-metrics': 'false',
      'secret-headers': `Authorization: Bearer ${secret}`,
      timeout: '1s',
    });
    expect(run.code).toBe(1);
    const once = JSON.stringify(secret).slice(1, -1);
    const twice = JSON.stringify(once).slice(1, -1);
    // The server did echo it, escaped: the excerpt shows where, masked.
    expect(check(run, 'health').bodyExcerpt).toContain('"authorization": "***"');
    for (const text of [
      run.summary,
      run.outputs.report!,
      run.stdout.replace(/^::add-mask::.*$/gm, ''),
    ]) {
      for (const form of [secret, once, twice, 'quoted-tok']) expect(text).not.toContain(form);
    }
  });

  it('without the header the server answers 401 and the check says so', async () => {
    const api = await standIn({ REQUIRE_TOKEN: TOKEN });
    const run = await smoke({ url: api.url, 'check-metrics': 'false', timeout: '1s' });
    expect(run.code).toBe(1);
    expect(check(run, 'health').message).toBe('HTTP 401, expected 200');
  });
});

describe.concurrent('smoke-test input validation', () => {
  const cases: [string, Record<string, string>, string][] = [
    [
      'bad URL',
      { url: 'not a url' },
      `Invalid input 'url': "not a url". Expected an absolute http:// or https:// URL.`,
    ],
    ['URL scheme', { url: 'ftp://hotswap:21' }, `Invalid input 'url': "ftp://hotswap:21"`],
    [
      'URL credentials',
      { url: 'http://admin:pw@hotswap:8080' },
      `Invalid input 'url': "http://***@hotswap:8080". Expected a URL without user:password`,
    ],
    ['missing URL', { url: '' }, `Invalid input 'url': "". Expected a URL such as`],
    [
      'bad duration',
      { url: 'http://127.0.0.1:1', timeout: '2 minutes' },
      `Invalid input 'timeout': "2 minutes". Expected a duration such as '90s', '5m' or '1m30s'.`,
    ],
    [
      'check-timeout too short',
      { url: 'http://127.0.0.1:1', 'check-timeout': '0s' },
      `Invalid input 'check-timeout': "0s". Expected a duration of 100ms or more.`,
    ],
    [
      'bad retry delay',
      { url: 'http://127.0.0.1:1', 'retry-delay': 'soon' },
      `Invalid input 'retry-delay': "soon". Expected a duration such as`,
    ],
    [
      'unknown target kind',
      { target: 'ingress' },
      `Invalid input 'target': "ingress". Expected one of url, port-forward, pod.`,
    ],
    [
      'malformed metric condition',
      {
        url: 'http://127.0.0.1:1',
        'metric-conditions': 'hotswap_http_requests_total{code="200"} >> 1',
      },
      `Invalid input 'metric-conditions': "hotswap_http_requests_total{code=\\"200\\"} >> 1". Expected one condition per line`,
    ],
    [
      'regex syntax RE2 does not have',
      { url: 'http://127.0.0.1:1', 'metric-conditions': 'app_info{version=~"(a)\\\\1"} >= 1' },
      `Invalid input 'metric-conditions': "app_info{version=~\\"(a)\\\\\\\\1\\"} >= 1". Expected one condition per line`,
    ],
    [
      'condition without comparison',
      { url: 'http://127.0.0.1:1', 'metric-conditions': 'hotswap_up' },
      `Invalid input 'metric-conditions': "hotswap_up"`,
    ],
    [
      'bad expected status',
      { url: 'http://127.0.0.1:1', 'expected-status': '20O' },
      `Invalid input 'expected-status': "20O". Expected a whole number from 100 to 599.`,
    ],
    [
      'status out of range',
      { url: 'http://127.0.0.1:1', 'expected-status': '200,600' },
      `Invalid input 'expected-status': "600"`,
    ],
    [
      'bad health field',
      { url: 'http://127.0.0.1:1', 'health-fields': 'status' },
      `Invalid input 'health-fields': "status". Expected path=value or path!=value`,
    ],
    [
      'bad metric name',
      { url: 'http://127.0.0.1:1', 'required-metrics': 'hotswap-requests' },
      `Invalid input 'required-metrics': "hotswap-requests". Expected Prometheus metric names`,
    ],
    [
      'bad port',
      { url: 'http://127.0.0.1:1', 'metrics-port': '70000' },
      `Invalid input 'metrics-port': "70000". Expected a whole number from 1 to 65535.`,
    ],
    [
      'bad header',
      { url: 'http://127.0.0.1:1', headers: 'X-Trace' },
      `Invalid input 'headers': "X-Trace". Expected one 'Name: value' header per line.`,
    ],
    [
      'bad secret header, masked',
      { url: 'http://127.0.0.1:1', 'secret-headers': 'Bad Name: hunter2-secret' },
      `Invalid input 'secret-headers': "Bad Name: ***". Expected 'Name: value' headers (invalid header name`,
    ],
    [
      'bad boolean',
      { url: 'http://127.0.0.1:1', insecure: 'maybe' },
      `Invalid input 'insecure': "maybe". Expected true or false.`,
    ],
    [
      'missing CA file',
      { url: 'https://127.0.0.1:1', 'ca-file': '/nonexistent/ca.pem' },
      `Invalid input 'ca-file': "/nonexistent/ca.pem". Expected the path of a readable PEM file.`,
    ],
    [
      'bad path',
      { url: 'http://127.0.0.1:1', 'health-path': 'health' },
      `Invalid input 'health-path': "health". Expected a path starting with '/'`,
    ],
    [
      'port-forward without service',
      { target: 'port-forward' },
      `Invalid input 'service': "". Expected the name of the Service to test (target 'port-forward').`,
    ],
    [
      'bad namespace',
      { target: 'port-forward', service: 'hotswap', namespace: 'Dev_NS' },
      `Invalid input 'namespace': "Dev_NS"`,
    ],
  ];

  it.each(cases)('rejects %s before any request', async (_label, inputs, message) => {
    const run = await smoke(inputs);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error::${message}`);
    expect(curlCalls()).toEqual([]);
    expect(run.stdout).not.toContain('hunter2-secret');
    expect(run.outputs).toEqual({});
  });
});

describe('smoke-test through kubectl port-forward', () => {
  const FAKE_KUBECTL = path.join(REPO_ROOT, 'test/fixtures/fake-kubectl');

  it('forwards both ports to kubectl-chosen local ports, checks, then stops the forward', async () => {
    const api = await standIn({ INITIAL_SWAPS: '1' });
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-')), 'kubectl.log');
    const run = await smoke(
      {
        target: 'port-forward',
        namespace: 'hotswap-dev',
        service: 'hotswap',
        kubeconfig: '/tmp/kubeconfig-dev',
        'kube-context': 'dev',
        'metric-conditions': 'hotswap_kernel_swaps_total{result="success"} >= 1',
      },
      {
        PATH: `${FAKE_KUBECTL}:${binDir}:${process.env.PATH}`,
        FAKE_KUBECTL_LOG: log,
        FAKE_KUBECTL_UPSTREAM_8080: `127.0.0.1:${api.port}`,
        FAKE_KUBECTL_UPSTREAM_5000: `127.0.0.1:${api.metricsPort}`,
      },
    );
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);
    const [call] = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; args: string[] });
    expect(call!.args).toEqual([
      'port-forward',
      '--namespace',
      'hotswap-dev',
      'service/hotswap',
      ':8080',
      ':5000',
      '--address',
      '127.0.0.1',
      '--pod-running-timeout',
      '5s',
      '--kubeconfig',
      '/tmp/kubeconfig-dev',
      '--context',
      'dev',
    ]);
    expect(report(run).target).toBe(
      'kubectl port-forward service/hotswap in namespace hotswap-dev',
    );
    expect(check(run, 'health').url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    expect(check(run, 'health').url).not.toContain(`:${api.port}/`);
    expect(run.stdout).toMatch(/port-forward ready: 8080 -> http:\/\/127\.0\.0\.1:\d+, 5000 -> /);
    // The forward is stopped when the step ends.
    expect(() => process.kill(call!.pid, 0)).toThrow(/ESRCH/);
  });

  it("fails with kubectl's message when the forward cannot start", async () => {
    const run = await smoke(
      { target: 'port-forward', service: 'missing' },
      { PATH: `${FAKE_KUBECTL}:${binDir}:${process.env.PATH}`, FAKE_KUBECTL_MODE: 'fail' },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::Smoke test failed: kubectl port-forward service/missing in namespace default exited with code 1: Error from server (NotFound): services "missing" not found',
    );
    expect(report(run).checks).toEqual([]);
    expect(curlCalls()).toEqual([]);
  });

  it('gives up on a forward that never becomes ready, and stops it', async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-')), 'kubectl.log');
    const run = await smoke(
      { target: 'port-forward', service: 'hotswap', timeout: '1s', 'check-timeout': '1s' },
      {
        PATH: `${FAKE_KUBECTL}:${binDir}:${process.env.PATH}`,
        FAKE_KUBECTL_MODE: 'silent',
        FAKE_KUBECTL_LOG: log,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('did not forward ports 8080, 5000 within 1s');
    const { pid } = JSON.parse(readFileSync(log, 'utf8').trim()) as { pid: number };
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});

describe('smoke-test from a curl Pod (kubectl stand-in)', () => {
  const FAKE_KUBECTL = path.join(REPO_ROOT, 'test/fixtures/fake-kubectl');
  const TOKEN = 'hs-pod-tok-5e4d3c2b1a';

  it('runs a restricted curl Pod, execs curl with the secret on stdin, deletes the Pod', async () => {
    const api = await standIn({ REQUIRE_TOKEN: TOKEN });
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-')), 'kubectl.log');
    const run = await smoke(
      {
        target: 'pod',
        namespace: 'hotswap-prod',
        service: 'hotswap',
        'secret-headers': `Authorization: Bearer ${TOKEN}`,
        'health-fields': 'status=Healthy',
      },
      {
        PATH: `${FAKE_KUBECTL}:${binDir}:${process.env.PATH}`,
        FAKE_KUBECTL_LOG: log,
        FAKE_KUBECTL_UPSTREAM_8080: `127.0.0.1:${api.port}`,
        FAKE_KUBECTL_UPSTREAM_5000: `127.0.0.1:${api.metricsPort}`,
      },
    );
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { args: string[]; stdinConfig?: boolean; stdinHasHeader?: boolean },
      );
    expect(calls.map((c) => c.args[0])).toEqual(['run', 'wait', 'exec', 'exec', 'delete']);
    const [runCall, , health, metrics, deleteCall] = calls;
    const podName = runCall!.args[1]!;
    expect(podName).toMatch(/^hotswap-smoke-[0-9a-f]{8}$/);
    const overrides = JSON.parse(runCall!.args[runCall!.args.indexOf('--overrides') + 1]!) as {
      spec: { securityContext: object; containers: { image: string; securityContext: object }[] };
    };
    expect(overrides.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(overrides.spec.containers[0]!.image).toBe('curlimages/curl:8.11.1');
    for (const exec of [health!, metrics!]) {
      expect(exec.args.slice(0, 7)).toEqual([
        'exec',
        '--namespace',
        'hotswap-prod',
        '--stdin',
        podName,
        '--container',
        'curl',
      ]);
      expect(exec.stdinConfig).toBe(true);
      expect(exec.stdinHasHeader).toBe(true);
      expect(exec.args.slice(-2)).toEqual(['--config', '-']);
    }
    expect(health!.args).toContain('http://hotswap.hotswap-prod.svc:8080/health');
    expect(metrics!.args).toContain('http://hotswap.hotswap-prod.svc:5000/metrics');
    expect(deleteCall!.args.slice(0, 3)).toEqual(['delete', 'pod', podName]);
    expect(api.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(report(run).target).toBe(
      `curl Pod (curlimages/curl:8.11.1) in namespace hotswap-prod → service/hotswap (Pod ${podName})`,
    );
    // The token reached the server, yet no kubectl or curl argv carried it.
    expect(readFileSync(log, 'utf8')).not.toContain(TOKEN);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(TOKEN);
    expect(curlCalls()).toHaveLength(2);
  });
});
