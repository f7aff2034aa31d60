import { describe, expect, test } from 'vitest';
import { kindFailure } from '../../../src/cluster/kind-failure.js';

describe('kindFailure', () => {
  test('a pull failure is named as such, with the engine reason, past the cgroup v1 warning', () => {
    const output = [
      'WARNING: cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2',
      'Creating cluster "hotswap" ...',
      ' • Ensuring node image (kindest/node:v1.37.0) 🖼  ...',
      ' ✗ Ensuring node image (kindest/node:v1.37.0) 🖼',
      'ERROR: failed to create cluster: failed to pull image "kindest/node:v1.37.0": command "docker pull kindest/node:v1.37.0" failed with error: exit status 1',
      'Command Output: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host',
    ].join('\n');
    const failure = kindFailure(output);
    expect(failure.cause).toBe('image-pull');
    expect(failure.reason).toBe(
      'failed to pull image "kindest/node:v1.37.0": command "docker pull kindest/node:v1.37.0" failed with error: exit status 1 ' +
        '(Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host)',
    );
    expect(failure.reason).not.toContain('cgroup');
  });

  test('a missing engine', () => {
    const failure = kindFailure(
      'ERROR: failed to create cluster: failed to get docker info: command "docker info" failed\nCommand Output: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    );
    expect(failure.cause).toBe('no-runtime');
  });

  test('any other error keeps its ERROR line, on one line', () => {
    expect(
      kindFailure(
        'Creating cluster "x" ...\nERROR: failed to create cluster: node(s) already exist for a cluster with the name "x"\n',
      ),
    ).toEqual({
      cause: 'other',
      reason: 'node(s) already exist for a cluster with the name "x"',
    });
  });

  test('without an ERROR line: the last line that is neither progress nor a warning', () => {
    expect(
      kindFailure(
        'WARNING: something\n ✓ Preparing nodes 📦\nkubeadm init timed out\n ✗ Starting control-plane 🕹️\n',
      ),
    ).toEqual({ cause: 'other', reason: 'kubeadm init timed out' });
  });
});
