// Chart.yaml is what Artifact Hub and `helm search` show: keep it complete and
// in step with the images values.yaml actually deploys.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, type Workload, renderChart } from '../../support/chart.js';

interface ChartYaml {
  apiVersion: string;
  name: string;
  version: string;
  appVersion: string;
  kubeVersion: string;
  type: string;
  annotations: Record<string, string>;
}

const chart = YAML.parse(await readFile(path.join(CHART_DIR, 'Chart.yaml'), 'utf8')) as ChartYaml;

describe('Chart.yaml', () => {
  it('is a v2 application chart named after its folder', () => {
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: path.basename(CHART_DIR),
      type: 'application',
      version: '0.1.0',
      kubeVersion: '>=1.27.0-0',
    });
    expect(chart.appVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists exactly the images the chart deploys in artifacthub.io/images', async () => {
    const listed = (YAML.parse(chart.annotations['artifacthub.io/images']!) as { image: string }[])
      .map((i) => i.image)
      .sort();
    const r = await renderChart({ valuesFiles: ['ci/backup-values.yaml'] });
    const used = new Set(r.podSpecs().flatMap((p) => p.spec.containers.map((c) => c.image)));
    expect(listed).toEqual([...used].sort());
    const api = r.find<Workload>('Deployment', 'hs-hotswap').spec.template.spec.containers[0];
    expect(api?.image).toBe(`hotswap/hotswap-api:${chart.appVersion}`);
  });

  it('carries the Artifact Hub annotations', () => {
    expect(Object.keys(chart.annotations).sort()).toEqual([
      'artifacthub.io/category',
      'artifacthub.io/changes',
      'artifacthub.io/containsSecurityUpdates',
      'artifacthub.io/images',
      'artifacthub.io/license',
      'artifacthub.io/links',
      'artifacthub.io/prerelease',
    ]);
  });
});
