// No secret leaves a run: 22 secrets of varied shape (and two rotations of
// them) rendered by a chart into a Secret, a Deployment's env and its pod
// annotations, through a healthy deploy, a rotating deploy, a crash-loop
// rolled back, the rollback action, and a smoke test against a server that
// echoes the request headers back as JSON. After each run, no secret, in any
// form it could be printed in, is in the summary, the outputs, stdout (log
// lines and annotations), stderr, any file left under RUNNER_TEMP or the
// workspace, or the argv and environment of any helm, kubectl or curl process
// (recorded by PATH shims, which see even the shortest-lived process); and
// every line of 4+ characters of each secret was registered with ::add-mask::.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { which } from '../../../src/exec/binary.js';
import { ensureBundle } from '../../support/bundle.js';
import { runAction, type ActionRun } from '../../support/run-action.js';
import { toolPath } from '../../support/tools.js';
import { kubectl, makeWorkspace, runDeployAction, type RecordingPath } from './harness.js';

/** 22 shapes of secret; `tag` makes each rotation's values distinct. */
function secretsFor(tag: string): Record<string, string> {
  const hex = (n: number) =>
    createHash('sha512').update(`${tag}-${n}`).digest('base64').replace(/[+/=]/g, 'x');
  return {
    pem: [
      `-----BEGIN ${tag} PRIVATE KEY-----`,
      hex(1).slice(0, 64),
      hex(2).slice(0, 64),
      hex(3).slice(0, 40),
      `-----END ${tag} PRIVATE KEY-----`,
      '',
    ].join('\n'),
    json: `{"user":"ad\\"min-${tag}","path":"C:\\\\temp\\\\${tag}"}`,
    yamlspecial: `'''a'' b': #${tag} & *y | > {z} [w] ? !t %`,
    unicode: `pässwört-密码-🔑-${tag}-ÿ`,
    big: Array.from({ length: 48 }, (_, i) => hex(100 + i))
      .join('')
      .slice(0, 4096),
    percent: `%25::add-mask::%0A${tag}::error::x`,
    expr: `a=b,c=d-${tag}`,
    padded: `  padded ${tag} secret  `,
    bearer: `Bearer a"b\\x-${tag}`,
    tab: `tab\tsep-${tag}`,
    url: `postgres://app:p%40ss-${tag}@db:5432/x?ssl=true`,
    shell: `$(rm -rf /);\`$HOME\`'${tag}'`,
    hexkey: createHash('sha256').update(tag).digest('hex'),
    backslashu: `\\u0041-literal-${tag}`,
    octal: `0755${createHash('md5').update(tag).digest('hex').replace(/\D/g, '').slice(0, 8)}`,
    lines: `line-one-${tag}\nline-two-${tag}\n`,
    expression: `\${{ github.token }}-${tag}`,
    html: `<script>alert("${tag}")</script>&amp;`,
    markdown: `| table | ${tag} | <br> |`,
    crlf: `crlf-one-${tag}\r\ncrlf-two-${tag}`,
    combining: `e\u0301e\u0301-combining-${tag}`,
    colon: `key: value-${tag} # not a comment`,
  };
}

const SETS = { v1: secretsFor('v1'), v2: secretsFor('v2'), v3: secretsFor('v3') };
// Sent as secret-headers: single-line, ASCII (a header is bytes), echoed back inside JSON.
const HEADERS = {
  Authorization: 'Bearer a"b\\x-smoke-credential',
  'X-Api-Key': '%25::add-mask::%0Asmoke-key',
  'X-Json': '{"k":"v\\\\w-smoke-json"}',
  'X-Expr': 'a=b,c=d-smoke-expr',
};
const HEADER_SECRETS = [...Object.values(HEADERS), 'a"b\\x-smoke-credential'];
const ALL_SECRETS = [
  ...Object.values(SETS).flatMap((set) => Object.values(set)),
  ...HEADER_SECRETS,
];

function linesOf(secret: string): string[] {
  return secret
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 4);
}

/** Every form a secret could be printed in: raw, each line, JSON once and twice, YAML quoted, base64. */
function printedForms(secret: string): string[] {
  const pieces = new Set([secret, secret.trim(), ...(/\n/.test(secret) ? linesOf(secret) : [])]);
  const forms = new Set<string>();
  for (const p of pieces) {
    const json = JSON.stringify(p).slice(1, -1);
    const inner = (text: string) => text.trimEnd().slice(1, -1);
    forms.add(p);
    forms.add(json);
    forms.add(JSON.stringify(json).slice(1, -1));
    forms.add(inner(stringify(p, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 })));
    forms.add(p.replace(/'/g, "''"));
    forms.add(Buffer.from(p).toString('base64'));
  }
  return [...forms].filter((f) => f.trim().length >= 4);
}

/** `helm`, `kubectl` and `curl` shims that log argv and environment raw, then exec the real binary. */
function recordingShims(): RecordingPath {
  const binDir = mkdtempSync(path.join(tmpdir(), 'leak-shims-'));
  const argvLog = path.join(binDir, 'calls.log');
  writeFileSync(argvLog, '');
  const real = { helm: toolPath('helm'), kubectl: toolPath('kubectl'), curl: which('curl')! };
  for (const [name, bin] of Object.entries(real)) {
    const shim = path.join(binDir, name);
    writeFileSync(
      shim,
      `#!/usr/bin/env bash
{ printf 'CALL %s\\n' ${name}; for a in "$@"; do printf 'ARG %s\\n' "$a"; done; env | sed 's/^/ENV /'; } >> ${JSON.stringify(argvLog)}
exec ${JSON.stringify(bin)} "$@"
`,
    );
    chmodSync(shim, 0o755);
  }
  return { binDir, argvLog };
}

/** The text of every file under `dir`. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && statSync(file).size < 20_000_000) out[file] = readFileSync(file, 'utf8');
  }
  return out;
}

/** `::add-mask::` values, decoded as the runner decodes command data. */
function maskedValues(stdout: string): Set<string> {
  return new Set(
    stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) =>
        l
          .slice('::add-mask::'.length)
          .replace(/%0D/g, '\r')
          .replace(/%0A/g, '\n')
          .replace(/%25/g, '%'),
      ),
  );
}

let calls = 0;
function expectNoLeak(
  run: ActionRun,
  o: { workspace: string; shims: RecordingPath; registered: string[] },
): void {
  const texts: Record<string, string> = {
    stdout: run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
    'helm/kubectl/curl argv and env': readFileSync(o.shims.argvLog, 'utf8'),
    ...filesUnder(run.runnerDir),
    ...filesUnder(o.workspace),
  };
  calls += (texts['helm/kubectl/curl argv and env']!.match(/^CALL /gm) ?? []).length;
  writeFileSync(o.shims.argvLog, '');
  const found: string[] = [];
  for (const secret of ALL_SECRETS) {
    for (const form of printedForms(secret)) {
      for (const [where, text] of Object.entries(texts)) {
        if (text.includes(form)) found.push(`${JSON.stringify(form).slice(0, 50)} in ${where}`);
      }
    }
  }
  expect(found).toEqual([]);
  const masked = maskedValues(run.stdout);
  const missing = o.registered.flatMap(linesOf).filter((line) => !masked.has(line));
  expect(missing, 'lines not registered with ::add-mask::').toEqual([]);
}

const namespace = `leaks-${process.pid}`;
const workspace = makeWorkspace();
const shims = recordingShims();
const deployInputs = (set: Record<string, string>, extra: Record<string, string> = {}) => ({
  release: 'leaky',
  chart: 'test-charts/secret-echo',
  namespace,
  'create-namespace': 'true',
  'secret-values': stringify({ secrets: set }),
  timeout: '2m',
  ...extra,
});
const deployRun = (inputs: Record<string, string>) =>
  runDeployAction('deploy', inputs, { workspace, rec: shims });

let echo: Server;
let echoUrl = '';
beforeAll(async () => {
  await Promise.all([ensureBundle('deploy'), ensureBundle('rollback'), ensureBundle('smoke-test')]);
  // Echoes the request headers back as JSON, with a failing status so the
  // body excerpt goes into the summary and the report output.
  echo = createServer((req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    // Our headers first: the excerpt in the summary is the start of the body.
    const { authorization, 'x-api-key': key, 'x-json': json, 'x-expr': expr } = req.headers;
    res.end(JSON.stringify({ authorization, key, json, expr, headers: req.headers }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const address = echo.address() as { port: number };
  echoUrl = `http://127.0.0.1:${address.port}`;
  // Building three bundles takes minutes on a loaded machine.
}, 900_000);

afterAll(async () => {
  echo?.close();
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('no secret leaks from any run', () => {
  it('a healthy first deploy', async () => {
    const run = await deployRun(deployInputs(SETS.v1));
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    // The chart really holds the secrets: the cluster has them in the Secret and the env.
    const env = await kubectl([
      'get',
      'deployment',
      'leaky-app',
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="PEM")].value}',
    ]);
    expect(env).toBe(SETS.v1.pem);
    expectNoLeak(run, { workspace, shims, registered: Object.values(SETS.v1) });
  });

  it('a deploy that rotates every secret (the diff shows changes, no values)', async () => {
    const run = await deployRun(deployInputs(SETS.v2));
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.summary).toContain(`| changed | Deployment ${namespace}/leaky-app |`);
    expect(run.summary).toMatch(/[-+]\s+secret\.example\.com\/pem: \(redacted, fingerprint/);
    expect(run.summary).toMatch(/-\s+value: \(redacted, fingerprint/);
    expectNoLeak(run, { workspace, shims, registered: Object.values(SETS.v2) });
  });

  it('a crash-looping deploy rolled back', async () => {
    const run = await deployRun(
      deployInputs(SETS.v3, { set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop' }),
    );
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back-to': '2' });
    expectNoLeak(run, { workspace, shims, registered: Object.values(SETS.v3) });
  });

  it('the rollback action', async () => {
    const run = await runDeployAction(
      'rollback',
      { release: 'leaky', namespace, revision: '1', timeout: '2m' },
      { workspace, rec: shims },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'to-revision': '1' });
    expectNoLeak(run, { workspace, shims, registered: [] });
  });

  it('a smoke test against a server that echoes the secret headers back as JSON', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        url: echoUrl,
        'metrics-url': echoUrl,
        'secret-headers': Object.entries(HEADERS)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n'),
        timeout: '4s',
        'check-timeout': '2s',
        'retry-delay': '200ms',
      },
      workspace,
      env: { PATH: `${shims.binDir}:${process.env.PATH}` },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('false');
    // The echo really reached the summary and the report, masked.
    expect(run.summary).toMatch(/"authorization":"\*\*\*"/);
    expect(run.outputs.report).toMatch(/\\"expr\\":\\"\*\*\*\\"/);
    expectNoLeak(run, { workspace, shims, registered: HEADER_SECRETS });
    // Every run above started helm, kubectl and curl through the shims.
    expect(calls).toBeGreaterThan(20);
  });
});
