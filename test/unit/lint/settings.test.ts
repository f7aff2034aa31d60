// Lint settings from inputs: an empty values-files lints the chart's defaults.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS } from '../../../src/inputs/defaults.js';
import {
  defaultReleaseName,
  resolveLintSettings,
  type LintInputs,
} from '../../../src/lint/settings.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const inputs = (given: Partial<LintInputs>): LintInputs => ({
  ...INPUT_DEFAULTS.lint,
  chart: 'test/fixtures/lint/web',
  environments: 'dev, production',
  'values-files': 'test/fixtures/lint/environments/{env}.yaml',
  'ci-values': 'false',
  ...given,
});

describe('resolveLintSettings', () => {
  it('gives each environment its values files', async () => {
    const settings = await resolveLintSettings(inputs({}), ROOT);
    expect(settings.sets.map((s) => path.relative(ROOT, s.files[0]!))).toEqual([
      'test/fixtures/lint/environments/dev.yaml',
      'test/fixtures/lint/environments/production.yaml',
    ]);
  });

  it('lints the chart defaults per environment when values-files is empty', async () => {
    const settings = await resolveLintSettings(inputs({ 'values-files': '' }), ROOT);
    expect(settings.sets).toEqual([
      { name: 'dev', kind: 'environment', files: [] },
      { name: 'production', kind: 'environment', files: [] },
    ]);
  });
});

describe('resolveLintSettings without environments', () => {
  it("lints the chart's own values as one set when there is no ci scenario either", async () => {
    const settings = await resolveLintSettings(
      inputs({ environments: '', 'values-files': INPUT_DEFAULTS.lint['values-files'] }),
      ROOT,
    );
    expect(settings.sets).toEqual([{ name: 'defaults', kind: 'environment', files: [] }]);
  });

  it('gives that set the values files shared by every environment', async () => {
    const settings = await resolveLintSettings(
      inputs({
        environments: '',
        'values-files':
          'test/fixtures/lint/environments/{env}.yaml, test/fixtures/lint/environments/dev.yaml',
      }),
      ROOT,
    );
    expect(settings.sets.map((s) => [s.name, s.files.map((f) => path.relative(ROOT, f))])).toEqual([
      ['defaults', ['test/fixtures/lint/environments/dev.yaml']],
    ]);
  });

  it('lints only the ci scenarios when the chart has them', async () => {
    const settings = await resolveLintSettings(
      inputs({ chart: 'test/fixtures/charts/podinfo', environments: '', 'ci-values': 'true' }),
      ROOT,
    );
    expect(settings.sets.length).toBeGreaterThan(0);
    expect(settings.sets.every((s) => s.kind === 'ci')).toBe(true);
  });
});

describe('defaultReleaseName', () => {
  it('makes a release name helm takes of any chart directory name', () => {
    expect(defaultReleaseName('/w/charts/hotswap')).toBe('hotswap');
    expect(defaultReleaseName('/w/My_Grafana.v2')).toBe('my-grafana-v2');
    expect(defaultReleaseName(`/w/${'a'.repeat(52)}_b`)).toBe('a'.repeat(52));
    expect(defaultReleaseName('/w/__')).toBe('release-name');
  });
});
