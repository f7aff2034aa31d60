import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandOptions, CommandResult } from '../../../src/exec/command.js';

const calls: { args: string[]; options: CommandOptions }[] = [];
let answer: (args: string[]) => CommandResult = () => ({ code: 0, stdout: '', stderr: '' });
vi.mock('../../../src/exec/command.js', () => ({
  runCommand: vi.fn(async (_file: string, args: string[], options: CommandOptions = {}) => {
    calls.push({ args, options });
    const result = answer(args);
    if (result.code !== 0 && !options.allowFailure)
      throw new Error(`kubectl ${args[0]} failed: ${result.stderr}`);
    return result;
  }),
}));

const { DEFAULT_CURL_IMAGE, curlPodOverrides, startCurlPod } =
  await import('../../../src/kube/curl-pod.js');

const kube = { kubectl: '/usr/bin/kubectl', kubeconfig: '/tmp/kc' };
const options = {
  kube,
  namespace: 'dev',
  image: DEFAULT_CURL_IMAGE,
  lifetimeSeconds: 240,
  readyTimeoutMs: 30_000,
};

beforeEach(() => {
  calls.length = 0;
  answer = () => ({ code: 0, stdout: '', stderr: '' });
});

describe('curl Pod', () => {
  it('meets the restricted Pod Security Standard', () => {
    interface Container {
      securityContext: unknown;
      resources: { limits?: unknown };
    }
    const { spec } = curlPodOverrides({ ...options, name: 'p' }) as {
      spec: Record<string, unknown> & { containers: Container[] };
    };
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.activeDeadlineSeconds).toBe(240);
    for (const container of spec.containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
      expect(container.resources.limits).toBeDefined();
    }
  });

  it('pins the same image as action.yml', () => {
    const action = YAML.parse(readFileSync('actions/smoke-test/action.yml', 'utf8')) as {
      inputs: Record<string, { default: string }>;
    };
    expect(action.inputs['curl-image']!.default).toBe(DEFAULT_CURL_IMAGE);
    expect(DEFAULT_CURL_IMAGE).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
  });

  it('runs, waits, execs curl with the secret config on stdin, deletes', async () => {
    const pod = await startCurlPod({ ...options, name: 'hotswap-smoke-1' });
    expect(calls[0]!.args.slice(0, 12)).toEqual([
      'run',
      'hotswap-smoke-1',
      '--namespace',
      'dev',
      '--image',
      DEFAULT_CURL_IMAGE,
      '--restart',
      'Never',
      '--labels',
      'app.kubernetes.io/name=hotswap-smoke-test,app.kubernetes.io/component=curl,app.kubernetes.io/managed-by=hotswap-smoke-test',
      '--override-type',
      'merge',
    ]);
    expect(calls[0]!.args.slice(-6)).toEqual([
      '--kubeconfig',
      '/tmp/kc',
      '--command',
      '--',
      'sleep',
      '240',
    ]);
    expect(calls[1]!.args).toEqual([
      'wait',
      '--namespace',
      'dev',
      '--for=condition=Ready',
      'pod/hotswap-smoke-1',
      '--timeout=30s',
      '--kubeconfig',
      '/tmp/kc',
    ]);
    await pod.transport(
      ['--url', 'http://hotswap.dev.svc:8080/health'],
      'header = "Authorization: Bearer s"\n',
      5000,
    );
    expect(calls[2]!.args).toEqual([
      'exec',
      '--namespace',
      'dev',
      '--stdin',
      'hotswap-smoke-1',
      '--container',
      'curl',
      '--kubeconfig',
      '/tmp/kc',
      '--',
      'curl',
      '--url',
      'http://hotswap.dev.svc:8080/health',
      '--config',
      '-',
    ]);
    expect(calls[2]!.options.input).toBe('header = "Authorization: Bearer s"\n');
    expect(calls[2]!.args.join(' ')).not.toContain('Bearer');
    await pod.delete();
    expect(calls[3]!.args.slice(0, 4)).toEqual(['delete', 'pod', 'hotswap-smoke-1', '--namespace']);
    expect(calls[3]!.args).toContain('--ignore-not-found');
  });

  it('deletes the Pod when it never becomes ready', async () => {
    answer = (args) =>
      args[0] === 'wait'
        ? { code: 1, stdout: '', stderr: 'error: timed out waiting for the condition on pods/p' }
        : { code: 0, stdout: '', stderr: '' };
    await expect(startCurlPod({ ...options, name: 'p' })).rejects.toThrow(
      /curl Pod dev\/p \(curlimages\/curl:[\d.]+\) did not become ready: .*timed out waiting/,
    );
    expect(calls.map((c) => c.args[0])).toEqual(['run', 'wait', 'delete']);
  });
});
