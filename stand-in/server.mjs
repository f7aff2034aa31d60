// A stand-in for the HotSwap API, for tests and the demo cluster: /health on
// the http port and Prometheus /metrics on the metrics port, as the real
// service serves them, plus environment switches that make it misbehave in
// the ways a smoke test must catch.
//
//   PORT=8080 METRICS_PORT=5000 HOST=0.0.0.0   where to listen (0 = any free port)
//   APP_VERSION=1.4.2                           version reported by /health
//   HEALTH_STATUS=503                           HTTP status of /health
//   UNHEALTHY=true                              /health reports "Unhealthy" (503 unless HEALTH_STATUS is set)
//   FAIL_FIRST=2                                each endpoint answers 503 to its first N requests
//   RESPONSE_DELAY_MS=1500                      answer every request that much later
//   HANG=true                                   accept connections and never answer
//   METRICS_MALFORMED=true                      /metrics serves text that is not the exposition format
//   METRICS_FORMAT=openmetrics                  /metrics serves OpenMetrics text, request counts with exemplars
//   REQUIRE_TOKEN=...                           both endpoints want "Authorization: Bearer <token>"
//   ECHO_HEADERS=true                           /health echoes the request headers (a leaky error page)
//   INITIAL_SWAPS=3                             kernel swaps counted at start
// Failures a kubelet sees, the way a broken release produces them:
//   EXIT_AT_START=1                             log a fatal database error and exit with this code
//   FAIL_FIRST_START=/tmp/started               exit 1 at the first start only (a slow dependency):
//                                               the file marks it, so keep it on a volume that
//                                               outlives the container (the chart's /tmp emptyDir)
//   UNHEALTHY_AFTER_S=20                        /health answers 503 from this many seconds after start
//   ALLOCATE_MB=600                             hold this much memory (touched), ALLOCATE_AFTER_S later
// `node server.mjs migrate` applies the schema migrations and exits (the chart's migrations Job):
//   MIGRATION_ERROR='column "x" exists'         the migration fails with this database error
import { Buffer } from 'node:buffer';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { setTimeout } from 'node:timers';
import client from 'prom-client';

const env = process.env;
const config = {
  host: env.HOST ?? '0.0.0.0',
  port: Number(env.PORT ?? 8080),
  metricsPort: Number(env.METRICS_PORT ?? 5000),
  version: env.APP_VERSION ?? '1.0.0',
  unhealthy: env.UNHEALTHY === 'true',
  healthStatus: env.HEALTH_STATUS ? Number(env.HEALTH_STATUS) : undefined,
  failFirst: Number(env.FAIL_FIRST ?? 0),
  delayMs: Number(env.RESPONSE_DELAY_MS ?? 0),
  hang: env.HANG === 'true',
  metricsMalformed: env.METRICS_MALFORMED === 'true',
  openMetrics: env.METRICS_FORMAT === 'openmetrics',
  token: env.REQUIRE_TOKEN ?? '',
  echoHeaders: env.ECHO_HEADERS === 'true',
  initialSwaps: Number(env.INITIAL_SWAPS ?? 0),
};

function log(fields) {
  console.log(JSON.stringify(fields));
}

if (process.argv[2] === 'migrate') {
  log({ msg: 'applying migrations', database: env.DATABASE_HOST ?? '' });
  if (env.MIGRATION_ERROR) {
    log({ msg: `fatal: migration 0042_kernel_index failed: ${env.MIGRATION_ERROR}` });
    process.exit(1);
  }
  log({ msg: 'migrations applied', version: 42 });
  process.exit(0);
}

// A version that cannot start: it says why on its way out, as services do,
// with the connection string it tried (a secret a log must not show).
if (env.EXIT_AT_START) {
  const url = `postgres://${env.DATABASE_USER ?? ''}:${env.DATABASE_PASSWORD ?? ''}@${env.DATABASE_HOST ?? ''}:${env.DATABASE_PORT ?? ''}/${env.DATABASE_NAME ?? ''}`;
  log({ msg: 'starting', version: config.version });
  log({ msg: 'fatal: schema version 42 required, database reports 41', database: url });
  process.exit(Number(env.EXIT_AT_START));
}
if (env.FAIL_FIRST_START && !existsSync(env.FAIL_FIRST_START)) {
  writeFileSync(env.FAIL_FIRST_START, new Date().toISOString());
  log({ msg: 'fatal: dependency not reachable yet, exiting to be restarted' });
  process.exit(1);
}

const registry = new client.Registry(
  config.openMetrics ? client.Registry.OPENMETRICS_CONTENT_TYPE : undefined,
);
registry.setDefaultLabels({ service: 'hotswap-api' });
client.collectDefaultMetrics({ register: registry });

const labelNames = ['method', 'route', 'code'];
const requests = new client.Counter({
  name: 'hotswap_http_requests_total',
  help: 'HTTP requests served, by method, route and status code.',
  labelNames,
  registers: [registry],
  enableExemplars: config.openMetrics,
});
const duration = new client.Histogram({
  name: 'hotswap_http_request_duration_seconds',
  help: 'Time to serve an HTTP request.',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});
const swaps = new client.Counter({
  name: 'hotswap_kernel_swaps_total',
  help: 'Kernel hot swaps performed, by result.',
  labelNames: ['result'],
  registers: [registry],
});
const kernels = new client.Gauge({
  name: 'hotswap_kernels_loaded',
  help: 'Kernels currently loaded.',
  registers: [registry],
});
swaps.inc({ result: 'success' }, config.initialSwaps);
swaps.inc({ result: 'failure' }, 0);
kernels.set(1);

const startedAt = Date.now();
const seen = { health: 0, metrics: 0 };
const unhealthyAfterMs = env.UNHEALTHY_AFTER_S ? Number(env.UNHEALTHY_AFTER_S) * 1000 : Infinity;

const held = [];
if (env.ALLOCATE_MB) {
  setTimeout(
    () => {
      log({ msg: 'loading kernels into memory', megabytes: Number(env.ALLOCATE_MB) });
      // fill() touches every page, so the memory is really resident.
      for (let i = 0; i < Number(env.ALLOCATE_MB); i++) held.push(Buffer.alloc(1 << 20).fill(1));
      log({ msg: 'kernels loaded' });
    },
    Number(env.ALLOCATE_AFTER_S ?? 0) * 1000,
  );
}

function healthBody(req) {
  const state = config.unhealthy ? 'Unhealthy' : 'Healthy';
  const body = {
    status: state,
    version: config.version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    checks: {
      kernel: { status: state, loaded: 1 },
      database: { status: 'Healthy' },
    },
  };
  if (config.echoHeaders) body.request = { headers: req.headers };
  return body;
}

/** Sends a response after RESPONSE_DELAY_MS, records it in the request metrics. */
function reply(req, res, route, status, contentType, text) {
  const stop = duration.startTimer();
  setTimeout(() => {
    res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(text);
    const labels = { method: req.method ?? 'GET', route, code: String(status) };
    if (config.openMetrics)
      requests.inc({ labels, value: 1, exemplarLabels: { trace_id: String(seen.health) } });
    else requests.inc(labels);
    stop(labels);
    console.log(JSON.stringify({ msg: 'request', method: req.method, path: req.url, status }));
  }, config.delayMs);
}

function authorized(req) {
  return !config.token || req.headers.authorization === `Bearer ${config.token}`;
}

function json(value) {
  return JSON.stringify(value, null, 2) + '\n';
}

const JSON_TYPE = 'application/json; charset=utf-8';

async function handleApi(req, res) {
  const path = (req.url ?? '/').split('?')[0];
  if (!authorized(req))
    return reply(req, res, path, 401, JSON_TYPE, json({ error: 'unauthorized' }));
  if (path === '/health' || path === '/healthz') {
    if (++seen.health <= config.failFirst)
      return reply(req, res, '/health', 503, JSON_TYPE, json({ status: 'Starting' }));
    if (Date.now() - startedAt >= unhealthyAfterMs) {
      log({ msg: 'health: kernel watchdog stalled' });
      return reply(req, res, '/health', 503, JSON_TYPE, json({ status: 'Unhealthy' }));
    }
    const status = config.healthStatus ?? (config.unhealthy ? 503 : 200);
    return reply(req, res, '/health', status, JSON_TYPE, json(healthBody(req)));
  }
  if (path === '/api/v1/swaps' && req.method === 'POST') {
    swaps.inc({ result: 'success' });
    return reply(req, res, path, 202, JSON_TYPE, json({ accepted: true }));
  }
  return reply(req, res, 'other', 404, JSON_TYPE, json({ error: 'not found' }));
}

const MALFORMED = [
  '# HELP hotswap_http_requests_total HTTP requests served.',
  '# TYPE hotswap_http_requests_total counter',
  'hotswap_http_requests_total{code="200" 12',
  'hotswap_kernel_swaps_total twelve',
  '',
].join('\n');

async function handleMetrics(req, res) {
  const path = (req.url ?? '/').split('?')[0];
  if (!authorized(req))
    return reply(req, res, path, 401, JSON_TYPE, json({ error: 'unauthorized' }));
  if (path !== '/metrics')
    return reply(req, res, 'other', 404, JSON_TYPE, json({ error: 'not found' }));
  if (++seen.metrics <= config.failFirst)
    return reply(req, res, '/metrics', 503, 'text/plain', 'starting\n');
  const text = config.metricsMalformed ? MALFORMED : await registry.metrics();
  return reply(req, res, '/metrics', 200, registry.contentType, text);
}

function serve(handler) {
  return http.createServer((req, res) => {
    if (config.hang) return; // hold the connection open, never answer
    handler(req, res).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${error.message}\n`);
    });
  });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, () => resolve(server.address().port));
  });
}

const api = serve(handleApi);
const metrics = serve(handleMetrics);
const [port, metricsPort] = await Promise.all([
  listen(api, config.port),
  listen(metrics, config.metricsPort),
]);
console.log(JSON.stringify({ msg: 'listening', host: config.host, port, metricsPort }));

function shutdown(signal) {
  console.log(JSON.stringify({ msg: 'stopping', signal }));
  for (const server of [api, metrics]) {
    server.closeAllConnections();
    server.close();
  }
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
