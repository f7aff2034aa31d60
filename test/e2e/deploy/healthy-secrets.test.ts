// A healthy first deploy of the chart with dev values and secrets: the release
// is deployed, the cluster's Secrets hold the secret values, and none of the
// secret strings appears in anything the step leaves behind or in the argv of
// any helm process it started.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { history, kubectl, makeWorkspace, recordingHelm, runDeployAction } from './harness.js';

const SECRETS = {
  dbPassword: 'pg-Sup3r-Secret-9f2c',
  vaultToken: 'hvs.CAESIvault-token-77aa',
  apiKey: 'api-key-5b7e1c0d',
  sessionKey: 'session-key-aa31f0',
  webhookToken: 'whk_tok_0c9d8e7f',
  smtpPassword: 'smtp-pass-e4d3c2',
  jwtSecret: 'jwt-secret-7a6b5c4d',
  s3Secret: 's3-secret-key-11ffee',
  oauthClientSecret: 'oauth-client-secret-3344',
  licenseKey: 'LICENSE-KEY-ABCD-9876',
};

const secretValues = `
postgresql:
  auth:
    password: ${SECRETS.dbPassword}
vault:
  token: ${SECRETS.vaultToken}
extraEnv:
  - name: API_KEY
    value: ${SECRETS.apiKey}
  - name: SESSION_KEY
    value: ${SECRETS.sessionKey}
  - name: WEBHOOK_TOKEN
    value: ${SECRETS.webhookToken}
  - name: SMTP_PASSWORD
    value: ${SECRETS.smtpPassword}
  - name: JWT_SECRET
    value: ${SECRETS.jwtSecret}
  - name: S3_SECRET
    value: ${SECRETS.s3Secret}
  - name: OAUTH_CLIENT_SECRET
    value: ${SECRETS.oauthClientSecret}
  - name: LICENSE_KEY
    value: ${SECRETS.licenseKey}
`;

const namespace = `healthy-${process.pid}`;

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: healthy deploy with secrets', () => {
  it('deploys to a new namespace and never lets a secret out', async () => {
    const workspace = makeWorkspace();
    const rec = recordingHelm();
    const run = await runDeployAction(
      'deploy',
      {
        release: 'hotswap',
        chart: 'chart/hotswap',
        namespace,
        'create-namespace': 'true',
        environment: 'dev',
        'values-files': 'chart/environments/dev.yaml',
        set: 'vault.enabled=true\nvault.authMethod=token',
        'secret-values': secretValues,
        'image-tag': '1.4.0',
      },
      { workspace, rec },
    );
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs.revision).toBe('1');
    expect(run.outputs['manifest-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.summary).toContain('Deploy');
    expect(run.summary).toContain(`added | Deployment ${namespace}/hotswap |`);
    expect(run.summary).toMatch(
      /Time by phase: prepare \d+\.\ds · upgrade \d+\.\ds · watch \d+\.\ds · verify \d+\.\ds/,
    );

    // The cluster holds the secret values.
    const decode = async (secret: string, key: string) => {
      const b64 = await kubectl([
        'get',
        'secret',
        secret,
        '-n',
        namespace,
        '-o',
        `jsonpath={.data.${key}}`,
      ]);
      return Buffer.from(b64, 'base64').toString();
    };
    expect(await decode('hotswap-postgresql', 'password')).toBe(SECRETS.dbPassword);
    const vaultSecret = (await kubectl(['get', 'secrets', '-n', namespace, '-o', 'name']))
      .split('\n')
      .find((n) => n.includes('vault'));
    expect(vaultSecret).toBeDefined();
    expect(await decode(vaultSecret!.replace('secret/', ''), 'token')).toBe(SECRETS.vaultToken);

    // The secrets reached helm only as a 0600 file, which is gone now.
    const files = [...run.argv.matchAll(/^FILE (\d+) (.*)$/gm)].filter((m) =>
      m[2]!.includes('hotswap-secrets-'),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const [, mode, file] of files) {
      expect(mode).toBe('600');
      expect(file!.startsWith(run.runnerDir)).toBe(true);
      expect(existsSync(file!)).toBe(false);
    }
    expect(run.argv).toMatch(/^ARGV upgrade hotswap .* --install/m);

    // Nothing the step leaves behind holds a secret, nor any helm argv.
    // `::add-mask::` lines are commands to the runner, which consumes them (the log never shows them).
    const masked = run.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    for (const secret of Object.values(SECRETS)) expect(masked).toContain(`::add-mask::${secret}`);
    const leftBehind = {
      stdout: run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      stderr: run.stderr,
      summary: run.summary,
      outputs: JSON.stringify(run.outputs),
      argv: run.argv,
    };
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const [where, text] of Object.entries(leftBehind)) {
        expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
        expect(
          text.includes(Buffer.from(secret).toString('base64')),
          `${name} (base64) found in ${where}`,
        ).toBe(false);
      }
    }

    const revisions = await history('hotswap', namespace);
    expect(revisions.map((r) => r.status)).toEqual(['deployed']);
  });
});

/** An upgrade of the release with a new database password and a changed log level. */
const upgradeWithPassword = (password: string) => ({
  release: 'hotswap',
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  set: 'vault.enabled=true\nvault.authMethod=token\nconfig.logLevel=warn',
  'secret-values': `postgresql:\n  auth:\n    password: ${password}\nvault:\n  token: ${SECRETS.vaultToken}`,
  'image-tag': '1.4.0',
});

describe('deploy: diff-only', () => {
  it('reports the change against the running release, Secret data redacted, and changes nothing', async () => {
    const workspace = makeWorkspace();
    const before = await history('hotswap', namespace);
    expect(before.length).toBeGreaterThan(0);
    const newPassword = 'pg-New-Secret-Value-42';
    const run = await runDeployAction(
      'deploy',
      { ...upgradeWithPassword(newPassword), 'diff-only': 'true' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('diff-only');
    // The install above was watched and recorded as verified; nothing since.
    expect(run.outputs['last-verified-revision']).toBe(String(before.at(-1)!.revision));
    expect(run.summary).toContain(`| changed | ConfigMap ${namespace}/hotswap-config |`);
    expect(run.summary).toContain(`| changed | Secret ${namespace}/hotswap-postgresql |`);
    expect(run.summary).toMatch(/-\s+password: \(redacted, fingerprint [0-9a-f]{8}\)/);
    expect(run.summary).toMatch(/\+\s+LOG_LEVEL: warn|\+\s+.*warn/);
    for (const text of [run.summary, run.stdout.replace(/^::add-mask::.*$/gm, '')]) {
      expect(text).not.toContain(newPassword);
      expect(text).not.toContain(Buffer.from(newPassword).toString('base64'));
      expect(text).not.toContain(SECRETS.dbPassword);
    }
    expect(await history('hotswap', namespace)).toEqual(before);
  });

  it('an upgrade reports the change it applied, against the release it replaced, Secret data redacted', async () => {
    const newPassword = 'pg-Applied-Secret-Value-7';
    const run = await runDeployAction('deploy', upgradeWithPassword(newPassword), {
      workspace: makeWorkspace(),
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.summary).toContain(`| changed | ConfigMap ${namespace}/hotswap-config |`);
    expect(run.summary).toContain(`| changed | Secret ${namespace}/hotswap-postgresql |`);
    expect(run.summary).toMatch(/-\s+password: \(redacted, fingerprint [0-9a-f]{8}\)/);
    expect(run.summary).not.toContain(`| changed | Deployment ${namespace}/hotswap-postgresql |`);
    for (const text of [run.summary, run.stdout.replace(/^::add-mask::.*$/gm, '')]) {
      expect(text).not.toContain(newPassword);
      expect(text).not.toContain(Buffer.from(newPassword).toString('base64'));
    }
  });
});
