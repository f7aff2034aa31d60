import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { archivedCrdFiles } from '../../../src/lint/chart-archive.js';
import {
  ChartCrds,
  chartCrdFiles,
  renderedCrds,
  subchartArchives,
} from '../../../src/lint/chart-crds.js';
import type { RenderedObject } from '../../../src/lint/rules/model.js';
import { createValidator, loadCompiler, type CompileSource } from '../../../src/lint/schema.js';
import { REPO_ROOT } from '../../support/run-action.js';

const SCHEMAS = path.join(REPO_ROOT, 'actions/lint/schemas');

/** A CRD of example.io Gadget whose spec.port has the given schema. */
function gadgetCrd(port: Record<string, unknown>, kind = 'Gadget') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.example.io` },
    spec: {
      group: 'example.io',
      names: { kind, plural: `${kind.toLowerCase()}s` },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { port: port } } },
            },
          },
        },
      ],
    },
  };
}

const yaml = (doc: unknown) => JSON.stringify(doc);

function chart(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-crds-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A chart archive as `helm package` lays it out: the files under one top folder, gzipped tar. */
function archive(top: string, files: Record<string, string | Buffer>, format = 'gnu'): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-archive-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, top, name)), { recursive: true });
    writeFileSync(path.join(dir, top, name), content);
  }
  return execFileSync('tar', [`--format=${format}`, '-czf', '-', '-C', dir, top]);
}

const gadget = (port: unknown, kind = 'Gadget') => ({
  apiVersion: 'example.io/v1',
  kind,
  metadata: { name: 'g' },
  spec: { port },
});

describe('the CRDs a chart brings', () => {
  it("lists the crds/ files helm installs: the chart's, then each vendored subchart's, nested folders included", () => {
    const dir = chart({
      'Chart.yaml': 'name: top',
      'crds/b.yaml': '',
      'crds/nested/a.yml': '',
      'crds/notes.txt': 'not a manifest',
      'crds.yaml': 'outside crds/',
      'templates/crd.yaml': 'templated, not installed from crds/',
      'charts/sub/Chart.yaml': 'name: sub',
      'charts/sub/crds/c.json': '{}',
      'charts/sub/charts/deeper/Chart.yaml': 'name: deeper',
      'charts/sub/charts/deeper/crds/d.yaml': '',
      'charts/not-a-chart/crds/e.yaml': '',
    });
    expect(chartCrdFiles(dir).map((f) => path.relative(dir, f))).toEqual([
      'crds/b.yaml',
      'crds/nested/a.yml',
      'charts/sub/crds/c.json',
      'charts/sub/charts/deeper/crds/d.yaml',
    ]);
  });

  it('finds nothing, and reads nothing, in a chart without crds/', () => {
    const dir = chart({ 'Chart.yaml': 'name: plain', 'templates/cm.yaml': 'kind: ConfigMap' });
    expect(chartCrdFiles(dir)).toEqual([]);
    expect(new ChartCrds(dir, dir).all()).toEqual([]);
  });

  it('reads the schemas of every CRD in crds/, ignoring files that hold none (a kustomization.yaml)', () => {
    const dir = chart({
      'Chart.yaml': 'name: top',
      'crds/gadgets.yaml': `${yaml(gadgetCrd({ type: 'integer' }))}\n---\n${yaml(gadgetCrd({ type: 'string' }, 'Widget'))}\n`,
      'crds/kustomization.yaml': 'resources: [gadgets.yaml]\n',
    });
    const found = new ChartCrds(dir, path.dirname(dir)).all();
    expect(found).toHaveLength(1);
    expect(found[0]!.source).toBe(path.join(path.basename(dir), 'crds/gadgets.yaml'));
    expect(Object.keys(found[0]!.kinds)).toEqual(['example.io/v1/Gadget', 'example.io/v1/Widget']);
  });

  it('parses only the files that mention a kind asked for, each once', () => {
    const dir = chart({
      'Chart.yaml': 'name: top',
      'crds/gadgets.yaml': yaml(gadgetCrd({ type: 'integer' })),
      'crds/widgets.yaml': yaml(gadgetCrd({ type: 'string' }, 'Widget')),
      // would throw if parsed: nothing asks for a kind it mentions
      'crds/broken.yaml': 'spec: [unclosed\n',
    });
    const crds = new ChartCrds(dir, dir);
    expect(crds.empty).toBe(false);
    const widgets = crds.defining(['Widget']);
    expect(widgets.map((d) => d.source)).toEqual(['crds/widgets.yaml']);
    expect(crds.defining(['Widget', 'Gadget']).map((d) => d.source)).toEqual([
      'crds/gadgets.yaml',
      'crds/widgets.yaml',
    ]);
    expect(crds.defining(['Widget'])[0]).toBe(widgets[0]);
    // a name inside another word is no mention
    expect(crds.defining(['Gadg'])).toEqual([]);
    expect(() => crds.all()).toThrow(/crds\/broken\.yaml/);
  });

  it('names the chart input and the file when a crds/ file does not parse', () => {
    const dir = chart({ 'Chart.yaml': 'name: top', 'crds/broken.yaml': 'spec: [unclosed\n' });
    expect(() => new ChartCrds(dir, dir).all()).toThrow(
      /Invalid input 'chart'.*crds\/ files parse as YAML \(crds\/broken\.yaml: /,
    );
  });

  it("lists the subchart archives helm loads: the chart's charts/*.tgz, then those of its vendored subcharts", () => {
    const dir = chart({
      'Chart.yaml': 'name: top',
      'charts/b-1.0.0.tgz': '',
      'charts/a-1.0.0.tgz': '',
      'charts/c-1.0.0.tar.gz': 'helm loads only .tgz',
      'charts/sub/Chart.yaml': 'name: sub',
      'charts/sub/charts/d-1.0.0.tgz': '',
      'charts/not-a-chart/charts/e-1.0.0.tgz': '',
    });
    expect(subchartArchives(dir).map((f) => path.relative(dir, f))).toEqual([
      'charts/a-1.0.0.tgz',
      'charts/b-1.0.0.tgz',
      'charts/sub/charts/d-1.0.0.tgz',
    ]);
  });

  it('reads the CRDs of a subchart archive, a subchart folder and an archive inside it, each file on its own', () => {
    // each file parsed on its own: run together, as helm 3's `show crds` prints them, they would not parse
    const inner = archive('widgets', {
      'Chart.yaml': 'name: widgets',
      'crds/widgets.yaml': yaml(gadgetCrd({ type: 'string' }, 'Widget')),
    });
    const dir = chart({ 'Chart.yaml': 'name: top' });
    mkdirSync(path.join(dir, 'charts'));
    writeFileSync(
      path.join(dir, 'charts', 'gadgets-1.0.0.tgz'),
      archive('gadgets', {
        'Chart.yaml': 'name: gadgets',
        'crds/gadgets.yaml': yaml(gadgetCrd({ type: 'integer' })),
        'crds/README.md': 'not a manifest',
        'templates/crd.yaml': 'templated, not installed from crds/',
        'charts/sprockets/Chart.yaml': 'name: sprockets',
        'charts/sprockets/crds/sprockets.json': yaml(gadgetCrd({ type: 'integer' }, 'Sprocket')),
        'charts/widgets-1.0.0.tgz': inner,
      }),
    );
    // in the archive's order, which is tar's
    const found = new ChartCrds(dir, dir)
      .all()
      .map((d) => [d.source, Object.keys(d.kinds)])
      .sort();
    expect(found).toEqual([
      [
        'charts/gadgets-1.0.0.tgz:gadgets/charts/sprockets/crds/sprockets.json',
        ['example.io/v1/Sprocket'],
      ],
      [
        'charts/gadgets-1.0.0.tgz:gadgets/charts/widgets-1.0.0.tgz:widgets/crds/widgets.yaml',
        ['example.io/v1/Widget'],
      ],
      ['charts/gadgets-1.0.0.tgz:gadgets/crds/gadgets.yaml', ['example.io/v1/Gadget']],
    ]);
    expect(new ChartCrds(dir, dir).defining(['Widget']).map((d) => d.source)).toEqual([
      'charts/gadgets-1.0.0.tgz:gadgets/charts/widgets-1.0.0.tgz:widgets/crds/widgets.yaml',
    ]);
  });

  it('reads long names in an archive, as GNU and PAX tar write them', () => {
    const deep = `crds/${'nested/'.repeat(16)}gadgets.yaml`;
    for (const format of ['gnu', 'pax']) {
      const files = archivedCrdFiles(
        archive('gadgets', { [deep]: yaml(gadgetCrd({ type: 'integer' })) }, format),
        'g.tgz',
      );
      expect(files.map((f) => f.name)).toEqual([`g.tgz:gadgets/${deep}`]);
    }
  });

  it('names the chart input and the archive when a subchart archive is not a gzip tar', () => {
    const dir = chart({ 'Chart.yaml': 'name: top', 'charts/broken-1.0.0.tgz': 'not gzip' });
    const crds = new ChartCrds(dir, dir);
    expect(crds.empty).toBe(false);
    expect(() => crds.defining(['Gadget'])).toThrow(
      /Invalid input 'chart'.*subchart archives are gzip tar files \(charts\/broken-1\.0\.0\.tgz: /,
    );
  });

  it('takes the CRDs a values set renders, per template, and leaves out one too broken to read', () => {
    const object = (doc: Record<string, unknown>, source: string): RenderedObject =>
      ({ doc, source }) as unknown as RenderedObject;
    const broken = { ...gadgetCrd({}), spec: { versions: [] } };
    const found = renderedCrds([
      object(gadgetCrd({ type: 'integer' }), 'top/templates/crds.yaml'),
      object({ ...gadgetCrd({}), apiVersion: 'apiextensions.k8s.io/v1beta1' }, 'top/old.yaml'),
      object(broken, 'top/templates/broken.yaml'),
      object({ apiVersion: 'v1', kind: 'ConfigMap' }, 'top/templates/cm.yaml'),
    ]);
    expect(found.map((d) => [d.source, Object.keys(d.kinds)])).toEqual([
      ['top/templates/crds.yaml', ['example.io/v1/Gadget']],
    ]);
    expect(renderedCrds([object(broken, 'top/templates/broken.yaml')])).toEqual([]);
  });
});

describe('validating against the chart CRDs', () => {
  let compile: CompileSource;
  beforeAll(async () => {
    compile = await loadCompiler();
  });
  const crdData = (port: Record<string, unknown>, source: string) => {
    const dir = chart({ 'Chart.yaml': 'name: c', 'crds/g.yaml': yaml(gadgetCrd(port)) });
    return new ChartCrds(dir, dir).all().map((d) => ({ ...d, source }));
  };

  it("checks a chart's custom resource as strictly as a user CRD, and says where the CRD came from", () => {
    const validator = createValidator({
      schemaDir: SCHEMAS,
      minor: '1.36',
      strict: true,
      chartCrds: crdData({ type: 'integer' }, 'crds/g.yaml'),
      compile,
    });
    expect(validator.validate(gadget(80))).toMatchObject({ status: 'valid' });
    expect(validator.validate(gadget('http'))).toMatchObject({
      status: 'invalid',
      issues: [{ path: '/spec/port', message: 'must be an integer' }],
    });
    expect(validator.validate({ ...gadget(80), spec: { prot: 80 } })).toMatchObject({
      status: 'invalid',
      issues: [{ path: '/spec/prot', message: 'unknown field "prot"' }],
    });
    expect(validator.originOf(gadget(80))).toBe("the chart's crds/");
    // built-in and shipped kinds have no run-time origin; unknown ones are still skipped
    expect(validator.originOf({ apiVersion: 'v1', kind: 'ConfigMap' })).toBeUndefined();
    expect(validator.validate(gadget(1, 'Other'))).toMatchObject({ status: 'skipped' });
  });

  it('lets the crds input win over the chart, and rendered CRDs over crds/ files', () => {
    const chartCrds = crdData({ type: 'integer' }, 'crds/g.yaml');
    const asString = crdData({ type: 'string' }, 'user.yaml');
    const user = createValidator({
      schemaDir: SCHEMAS,
      minor: '1.36',
      strict: true,
      chartCrds,
      userCrds: asString,
      compile,
    });
    expect(user.validate(gadget('http'))).toMatchObject({ status: 'valid' });
    expect(user.validate(gadget(80))).toMatchObject({ status: 'invalid' });
    expect(user.originOf(gadget(80))).toBe('the crds input');
    // so the chart's CRDs are not even read for it; a shipped kind still takes the chart's
    expect(user.takesChartCrd(gadget(80))).toBe(false);
    expect(user.takesChartCrd(gadget(80, 'Widget'))).toBe(true);
    expect(
      user.takesChartCrd({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' }),
    ).toBe(true);
    expect(user.takesChartCrd({ apiVersion: 'v1', kind: 'ConfigMap' })).toBe(false);

    const rendered = createValidator({
      schemaDir: SCHEMAS,
      minor: '1.36',
      strict: true,
      chartCrds,
      renderedCrds: asString,
      compile,
    });
    expect(rendered.validate(gadget('http'))).toMatchObject({ status: 'valid' });
    expect(rendered.originOf(gadget(80))).toBe("the chart's templates");
  });
});
