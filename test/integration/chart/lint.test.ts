// `helm lint --strict` with helm 4 and helm 3 for the default values, every
// ci/*-values.yaml scenario and every environment file.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type HelmBinary,
  type K8sObject,
  ciScenarios,
  environmentFiles,
  lintChart,
  renderChart,
} from '../../support/chart.js';

const cases: { label: string; valuesFiles: string[] }[] = [
  { label: 'default values', valuesFiles: [] },
  ...(await ciScenarios()).map((f) => ({ label: f, valuesFiles: [f] })),
  ...(await environmentFiles()).map((f) => ({
    label: `environments/${path.basename(f)}`,
    valuesFiles: [f],
  })),
];

describe.each<HelmBinary>(['helm', 'helm3'])('%s lint --strict', (helm) => {
  it('covers the scenarios and environments the chart promises', () => {
    const labels = cases.map((c) => c.label);
    for (const expected of [
      'ci/builtin-db-values.yaml',
      'ci/external-db-values.yaml',
      'ci/vault-kubernetes-values.yaml',
      'ci/vault-token-values.yaml',
      'ci/vault-approle-values.yaml',
      'ci/ingress-tls-values.yaml',
      'ci/autoscaling-off-values.yaml',
      'ci/monitoring-netpol-values.yaml',
      'ci/minimal-values.yaml',
      'environments/dev.yaml',
      'environments/staging.yaml',
      'environments/production.yaml',
    ])
      expect(labels).toContain(expected);
  });

  it.concurrent.each(cases)('$label', async ({ valuesFiles }) => {
    const result = await lintChart({ helm, valuesFiles });
    expect(result.stderr + result.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });
});

describe('helm 3 and helm 4', () => {
  // Generated passwords differ on every render; everything else must match.
  const stable = (objects: K8sObject[]) =>
    objects.map((o) =>
      o.kind === 'Secret' && o.metadata.name === 'hs-postgresql' ? { ...o, data: {} } : o,
    );

  it.concurrent.each(cases)('render the same objects: $label', async ({ valuesFiles }) => {
    const [helm4, helm3] = await Promise.all([
      renderChart({ valuesFiles }),
      renderChart({ valuesFiles, helm: 'helm3' }),
    ]);
    expect(stable(helm3.objects)).toEqual(stable(helm4.objects));
  });
});
