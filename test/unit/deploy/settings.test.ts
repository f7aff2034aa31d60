import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeploySettings, parseReleaseName } from '../../../src/deploy/settings.js';

const ws = mkdtempSync(path.join(tmpdir(), 'settings-ws-'));
mkdirSync(path.join(ws, 'chart/hotswap'), { recursive: true });
writeFileSync(path.join(ws, 'chart/hotswap/Chart.yaml'), 'name: hotswap\n');
writeFileSync(path.join(ws, 'dev.yaml'), 'replicaCount: 1\n');
symlinkSync('/etc/hostname', path.join(ws, 'escape.yaml'));

const read = (inputs: Record<string, string>) => (name: string) =>
  ({ release: 'web', chart: 'chart/hotswap', namespace: 'dev', ...inputs })[name] ?? '';

describe('parseDeploySettings', () => {
  it('reads valid inputs with defaults', () => {
    const s = parseDeploySettings(
      read({ 'values-files': 'dev.yaml', 'secret-values': 'db:\n  password: x1y2z3' }),
      { workspace: ws },
    );
    expect(s).toMatchObject({
      release: 'web',
      namespace: 'dev',
      chart: { kind: 'local' },
      wait: 'watch',
      timeoutMs: 300_000,
      historyMax: 10,
      rollbackOnFailure: true,
      stuckMaxAgeMs: 600_000,
      secretValues: { db: { password: 'x1y2z3' } },
      requireRollout: false,
    });
    expect(s.valuesFiles).toEqual([path.join(ws, 'dev.yaml')]);
  });

  it('rejects a values file that escapes the workspace through a symlink', () => {
    expect(() =>
      parseDeploySettings(read({ 'values-files': 'escape.yaml' }), { workspace: ws }),
    ).toThrow(/Invalid input 'values-files'.*inside the workspace/);
  });

  it('never repeats secret values in an error', () => {
    let message = '';
    try {
      parseDeploySettings(read({ 'secret-values': 'token: [hunter2-secret' }), { workspace: ws });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Invalid input 'secret-values'/);
    expect(message).not.toContain('hunter2');
  });

  it('reads require-rollout as a boolean and names it when it is not one', () => {
    expect(
      parseDeploySettings(read({ 'require-rollout': 'true' }), { workspace: ws }).requireRollout,
    ).toBe(true);
    expect(() =>
      parseDeploySettings(read({ 'require-rollout': 'always' }), { workspace: ws }),
    ).toThrow(/Invalid input 'require-rollout'.*always/);
  });

  it('applies helm release name rules', () => {
    expect(parseReleaseName('release', 'my-app.v2')).toBe('my-app.v2');
    expect(() => parseReleaseName('release', 'x'.repeat(54))).toThrow(/at most 53/);
    expect(() => parseReleaseName('release', 'App')).toThrow(/Invalid input 'release'/);
  });
});
