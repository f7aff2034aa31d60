// The kind cluster config the create runs with: the user's file as it is,
// plus, on cgroup v1 hosts only, the kubelet patch without which kubelet
// 1.35 and later refuses to start ("cgroup v1 support is unsupported").
import { readFileSync } from 'node:fs';
import { parseDocument, YAMLSeq } from 'yaml';

export const CGROUP_V1_KUBELET_PATCH = 'kind: KubeletConfiguration\nfailCgroupV1: false\n';

/**
 * The config text to pass to kind, or undefined to pass the user's file (or
 * none) unchanged. `configFile` is the user's kind config, when given.
 */
export function kindConfigFor(
  configFile: string | undefined,
  host: { cgroupVersion: number },
): string | undefined {
  if (host.cgroupVersion !== 1) return undefined;
  const doc = parseDocument(
    configFile
      ? readFileSync(configFile, 'utf8')
      : 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n',
  );
  if (doc.errors.length > 0)
    throw new Error(`kind config ${configFile}: ${doc.errors[0]!.message.split('\n')[0]}`);
  let patches = doc.get('kubeadmConfigPatches');
  if (!(patches instanceof YAMLSeq)) {
    patches = new YAMLSeq();
    doc.set('kubeadmConfigPatches', patches);
  }
  (patches as YAMLSeq).add(doc.createNode(CGROUP_V1_KUBELET_PATCH));
  return doc.toString();
}
