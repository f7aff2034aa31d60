// Every pod the chart can create (API, PostgreSQL, backup CronJob, helm test)
// meets the Pod Security Standard "restricted", in every scenario and environment.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Container,
  type PodSpec,
  ciScenarios,
  environmentFiles,
  renderChart,
} from '../../support/chart.js';

/** The "restricted" profile's checks, as the admission controller applies them. */
function restrictedViolations(pod: PodSpec): string[] {
  const problems: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('host namespaces');
  const podSc = pod.securityContext ?? {};
  if (podSc.runAsUser === 0) problems.push('pod runAsUser 0');
  for (const v of pod.volumes ?? []) {
    const types = Object.keys(v).filter((k) => k !== 'name');
    const allowed = ['emptyDir', 'persistentVolumeClaim', 'configMap', 'secret', 'projected'];
    if (!types.every((t) => allowed.includes(t))) problems.push(`volume ${v.name}: ${types}`);
  }
  const containers: Container[] = [...pod.containers, ...(pod.initContainers ?? [])];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) problems.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation`);
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) problems.push(`${where}: runAsNonRoot`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`${where}: runAsUser 0`);
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where}: seccomp`);
    if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: drop ALL`);
    const added = (sc.capabilities?.add ?? []).filter((a) => a !== 'NET_BIND_SERVICE');
    if (added.length) problems.push(`${where}: adds ${added}`);
    // Not part of "restricted", but the chart promises it for every container.
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: writable root filesystem`);
    if (!c.resources?.limits) problems.push(`${where}: no resource limits`);
  }
  return problems;
}

const scenarios = [
  { label: 'default values', valuesFiles: [] as string[] },
  ...(await ciScenarios()).map((f) => ({ label: f, valuesFiles: [f] })),
  ...(await environmentFiles()).map((f) => ({
    label: `environments/${path.basename(f)}`,
    valuesFiles: [f],
  })),
];

describe('Pod Security Standard "restricted"', () => {
  it.concurrent.each(scenarios)('$label', async ({ valuesFiles }) => {
    const r = await renderChart({ valuesFiles });
    const pods = r.podSpecs();
    expect(pods.length).toBeGreaterThan(1);
    const violations = pods.flatMap(({ owner, spec }) =>
      restrictedViolations(spec).map((p) => `${owner}: ${p}`),
    );
    expect(violations).toEqual([]);
  });

  it('covers the API, PostgreSQL, the backup CronJob, the migrations Job and the helm test pod', async () => {
    const r = await renderChart({
      valuesFiles: ['ci/backup-values.yaml'],
      values: { migrations: { enabled: true, args: ['migrate'] } },
    });
    expect(r.podSpecs().map((p) => p.owner)).toEqual(
      expect.arrayContaining([
        'Deployment/hs-hotswap',
        'StatefulSet/hs-postgresql',
        'CronJob/hs-postgresql-backup',
        'Job/hs-hotswap-migrations',
        'Pod/hs-hotswap-test-health',
      ]),
    );
    const violations = r
      .podSpecs()
      .flatMap(({ owner, spec }) => restrictedViolations(spec).map((p) => `${owner}: ${p}`));
    expect(violations).toEqual([]);
  });

  it('catches a violation (the check is not vacuous)', async () => {
    const r = await renderChart({
      values: { securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: [] } } },
    });
    const api = r.podSpecs().find((p) => p.owner === 'Deployment/hs-hotswap')!;
    expect(restrictedViolations(api.spec)).toEqual([
      'container api: privilege escalation',
      'container api: drop ALL',
    ]);
  });
});
