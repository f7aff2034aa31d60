// The kind success path needs Docker, which this machine lacks. These tests
// replace kind and kubectl at the process boundary with scripts that record
// their argv, to pin down the commands the module runs; the real kind binary
// is exercised up to its missing-Docker error in the setup integration test.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ContainerRuntimeError,
  createKindCluster,
  deleteKindCluster,
  NodeImagePullError,
} from '../../../src/cluster/kind.js';

function recorder(dir: string, name: string, body = ''): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/${name}.calls"\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
const calls = (dir: string, name: string) =>
  readFileSync(path.join(dir, `${name}.calls`), 'utf8')
    .trim()
    .split('\n');

describe('createKindCluster', () => {
  test('creates with name, kubeconfig, config, image and wait, then waits for every node Ready', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kind-fake-'));
    const kind = recorder(dir, 'kind');
    const kubectl = recorder(dir, 'kubectl');
    const cluster = await createKindCluster({
      kind,
      kubectl,
      name: 'ci',
      config: '/w/kind.yaml',
      image: 'kindest/node:v1.36.3@sha256:' + 'a'.repeat(64),
      waitMs: 90_000,
      kubeconfig: '/t/kubeconfig-ci',
    });
    expect(cluster).toEqual({ name: 'ci', kubeconfig: '/t/kubeconfig-ci' });
    expect(calls(dir, 'kind')).toEqual([
      `create cluster --name ci --kubeconfig /t/kubeconfig-ci --config /w/kind.yaml --image kindest/node:v1.36.3@sha256:${'a'.repeat(64)} --wait 90s`,
    ]);
    expect(calls(dir, 'kubectl')).toEqual([
      'wait --kubeconfig /t/kubeconfig-ci --for=condition=Ready nodes --all --timeout=90s',
    ]);
  });

  test('without config or image those flags are left out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kind-fake-'));
    await createKindCluster({
      kind: recorder(dir, 'kind'),
      kubectl: recorder(dir, 'kubectl'),
      name: 'x',
      waitMs: 120_000,
      kubeconfig: '/k',
    });
    expect(calls(dir, 'kind')).toEqual(['create cluster --name x --kubeconfig /k --wait 120s']);
  });

  test("kind's missing-Docker failure becomes an error that says what is missing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kind-fake-'));
    const kind = recorder(
      dir,
      'kind',
      `echo 'ERROR: failed to create cluster: failed to get docker info: exec: "docker": executable file not found in $PATH' >&2; exit 1`,
    );
    const error = await createKindCluster({
      kind,
      kubectl: recorder(dir, 'kubectl'),
      name: 'x',
      waitMs: 1000,
      kubeconfig: '/k',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerRuntimeError);
    expect((error as Error).message).toContain(
      "kind could not create cluster 'x': no container runtime is reachable",
    );
  });

  test('any other kind failure carries what kind said', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kind-fake-'));
    const kind = recorder(
      dir,
      'kind',
      `echo 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "x"' >&2; exit 1`,
    );
    await expect(
      createKindCluster({
        kind,
        kubectl: recorder(dir, 'kubectl'),
        name: 'x',
        waitMs: 1000,
        kubeconfig: '/k',
      }),
    ).rejects.toThrow(
      `kind could not create cluster 'x': node(s) already exist for a cluster with the name "x"`,
    );
  });

  test('a node image that cannot be pulled is reported as a pull failure, not as the cgroup warning', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kind-fake-'));
    const kind = recorder(
      dir,
      'kind',
      [
        `echo 'WARNING: cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release' >&2`,
        `echo 'ERROR: failed to create cluster: failed to pull image "kindest/node:v1.37.0": command "docker pull kindest/node:v1.37.0" failed with error: exit status 1' >&2`,
        `echo 'Command Output: Error response from daemon: dial tcp: lookup registry-1.docker.io: no such host' >&2`,
        'exit 1',
      ].join('\n'),
    );
    const error = (await createKindCluster({
      kind,
      kubectl: recorder(dir, 'kubectl'),
      name: 'x',
      image: 'kindest/node:v1.37.0',
      waitMs: 1000,
      kubeconfig: '/k',
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NodeImagePullError);
    expect(error.message).toMatch(
      /^kind could not create cluster 'x': pulling the node image 'kindest\/node:v1.37.0' failed; .*no such host\)$/,
    );
    expect(error.message).not.toContain('cgroup');
    expect(error.message).not.toContain('\n');
  });
});

test('deleteKindCluster deletes by name with the same kubeconfig', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kind-fake-'));
  await deleteKindCluster({ kind: recorder(dir, 'kind'), name: 'ci', kubeconfig: '/t/k' });
  expect(calls(dir, 'kind')).toEqual(['delete cluster --name ci --kubeconfig /t/k']);
});
