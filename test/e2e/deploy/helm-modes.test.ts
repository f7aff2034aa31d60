// The same deploy with helm 3 and with helm's own wait: the right flags reach
// helm (recorded argv) and a bad upgrade still ends rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, kubectl, makeWorkspace, recordingHelm, runDeployAction } from './harness.js';

const namespace = `modes-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  diff: 'false',
};
const CRASH = 'podAnnotations.hotswap\\.dev/simulate=crash-loop';

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

const upgrades = (argv: string) =>
  argv.split('\n').filter((l) => /^ARGV upgrade /.test(l) && !l.includes('--dry-run'));

describe('helm 3 and helm wait modes', () => {
  it('helm 3 with our watch: deploys, then rolls a crash loop back', async () => {
    const inputs = { ...base, release: 'three', helm: 'helm3', 'helm-major': '3' };
    const rec = recordingHelm();
    const ok = await runDeployAction('deploy', inputs, { workspace, rec });
    expect(ok.outputs.status, ok.stdout).toBe('deployed');
    const bad = await runDeployAction('deploy', { ...inputs, set: CRASH }, { workspace, rec });
    expect(bad.outputs.status).toBe('rolled-back');
    expect(bad.summary).toMatch(/Pod\/three-hotswap-\S+ \| CrashLoopBackOff/);
    const argv = upgrades(bad.argv);
    expect(argv.length).toBe(2);
    for (const line of argv) {
      expect(line).not.toContain('--server-side');
      expect(line).not.toContain('--wait');
    }
    expect(bad.argv).toMatch(/^ARGV rollback three 1 /m);
    expect((await history('three', namespace)).at(-1)!.description).toMatch(/^Rollback to 1/);
  });

  it("helm 4 with helm's own wait and --rollback-on-failure", async () => {
    const inputs = { ...base, release: 'four', wait: 'helm', timeout: '20s' };
    const ok = await runDeployAction('deploy', inputs, { workspace });
    expect(ok.outputs.status, ok.stdout).toBe('deployed');
    const bad = await runDeployAction('deploy', { ...inputs, set: CRASH }, { workspace });
    expect(bad.code).toBe(1);
    expect(bad.outputs.status).toBe('rolled-back');
    expect(bad.outputs['rolled-back-to']).toBe('1');
    // The revision the failed upgrade wrote, not the one of helm's rollback after it.
    expect(bad.outputs.revision).toBe('2');
    const [line] = upgrades(bad.argv);
    expect(line).toContain('--wait=watcher');
    expect(line).toContain('--rollback-on-failure');
    expect(line).toContain('--server-side=true');
    const revisions = await history('four', namespace);
    expect(revisions.map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
  });

  it("helm 3 with helm's own wait uses --atomic", async () => {
    const inputs = { ...base, release: 'atomic', wait: 'helm', timeout: '20s', helm: 'helm3' };
    const ok = await runDeployAction('deploy', inputs, { workspace });
    expect(ok.outputs.status, ok.stdout).toBe('deployed');
    const bad = await runDeployAction('deploy', { ...inputs, set: CRASH }, { workspace });
    expect(bad.outputs.status).toBe('rolled-back');
    const [line] = upgrades(bad.argv);
    expect(line).toMatch(/ --wait --atomic/);
  });
});
