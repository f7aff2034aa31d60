// A secret value that is also a word of the release's objects: Alertmanager's
// SMTP user named after the application (`alertmanager`, a part of every
// object's name). Output shown is redacted, but the objects the rollout
// watch reads must not be: masked, `StatefulSet/alerts-***` is never found,
// and a healthy install waited out its timeout and was uninstalled. Through
// the bundled deploy action: a healthy install ends deployed, a crash-looping
// upgrade is rolled back and the rollback verified, and the secret is still
// masked in what the runs print.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlJson } from '../support.js';
import { history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `secret-words-${process.pid}`;
const workspace = makeWorkspace();
const PASSWORD = 'smtp-Pa55-9e1f0c';
const base = {
  release: 'alerts',
  chart: 'test-charts/alertmanager',
  namespace,
  'values-files': 'test-charts/alertmanager/ci/kwok-values.yaml',
  'secret-values': [
    'config:',
    '  global:',
    '    smtp_auth_username: alertmanager',
    `    smtp_auth_password: ${PASSWORD}`,
  ].join('\n'),
  diff: 'false',
  timeout: '40s',
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: a secret value that is a word of the objects', () => {
  it('a healthy install ends deployed', async () => {
    const run = await runDeployAction('deploy', base, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect((await history('alerts', namespace)).map((r) => r.status)).toEqual(['deployed']);
    const sts = await kubectlJson<{ status: { readyReplicas?: number } }>([
      '-n',
      namespace,
      'get',
      'statefulset',
      'alerts-alertmanager',
    ]);
    expect(sts.status.readyReplicas).toBe(1);
    // What the run printed is still redacted (::add-mask:: tells the runner the secret).
    const printed = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(printed + run.summary).not.toContain(PASSWORD);
    expect(run.summary).not.toMatch(/alerts-alertmanager/);
  });

  it('a crash-looping upgrade is rolled back to it', async () => {
    const run = await runDeployAction(
      'deploy',
      { ...base, set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toMatch(/CrashLoopBackOff/);
    expect(run.summary).toContain('✅ rolled back to verified revision 1');
    expect((await history('alerts', namespace)).at(-1)?.status).toBe('deployed');
  });
});
