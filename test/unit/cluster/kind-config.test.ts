import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { CGROUP_V1_KUBELET_PATCH, kindConfigFor } from '../../../src/cluster/kind-config.js';

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'kind-config-')), 'kind.yaml');
  writeFileSync(f, text);
  return f;
}

describe('kindConfigFor', () => {
  test('cgroup v2: the user config is used as it is', () => {
    expect(kindConfigFor(file('kind: Cluster\n'), { cgroupVersion: 2 })).toBeUndefined();
    expect(kindConfigFor(undefined, { cgroupVersion: 2 })).toBeUndefined();
  });

  test('cgroup v1 without a config: a minimal config with the kubelet patch', () => {
    expect(parse(kindConfigFor(undefined, { cgroupVersion: 1 })!)).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      kubeadmConfigPatches: [CGROUP_V1_KUBELET_PATCH],
    });
  });

  test("cgroup v1: the patch is appended to the user's patches, everything else kept", () => {
    const user = [
      'kind: Cluster',
      'apiVersion: kind.x-k8s.io/v1alpha4',
      '# a comment',
      'nodes:',
      '  - role: control-plane',
      'kubeadmConfigPatches:',
      '  - |',
      '    kind: ClusterConfiguration',
      '    apiServer: {}',
    ].join('\n');
    const text = kindConfigFor(file(user), { cgroupVersion: 1 })!;
    expect(text).toContain('# a comment');
    const config = parse(text);
    expect(config.nodes).toEqual([{ role: 'control-plane' }]);
    expect(config.kubeadmConfigPatches).toEqual([
      'kind: ClusterConfiguration\napiServer: {}\n',
      CGROUP_V1_KUBELET_PATCH,
    ]);
  });

  test('a config that is not YAML is reported with its path', () => {
    const f = file('kind: [unclosed');
    expect(() => kindConfigFor(f, { cgroupVersion: 1 })).toThrow(`kind config ${f}:`);
  });
});
