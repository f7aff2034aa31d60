// actions/lint through the runner contract, on the built bundle, with real
// helm: the real chart passes for every environment, and each broken fixture
// fails with its annotation (file + line) and summary row.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordHelmVersion } from '../../src/helm/version-record.js';
import { REPO_ROOT, runAction, type ActionRun } from '../support/run-action.js';
import { tempDir } from '../support/temp-dir.js';
import { TOOLS_BIN, toolPath } from '../support/tools.js';

const FIXTURES = 'test/fixtures/lint';
const ENV_FILES = `${FIXTURES}/environments/{env}.yaml`;

interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  file: string;
  line: number;
  message: string;
}

/** `::error title=...,file=...,line=N::message` workflow commands, decoded. */
function annotations(stdout: string): Annotation[] {
  const decode = (s: string) =>
    s
      .replace(/%2C/g, ',')
      .replace(/%3A/g, ':')
      .replace(/%0A/g, '\n')
      .replace(/%0D/g, '\r')
      .replace(/%25/g, '%');
  return stdout
    .split('\n')
    .map((line) => /^::(error|warning|notice) (.*?)::(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => {
      const props = Object.fromEntries(
        m[2]!.split(',').map((p) => {
          const eq = p.indexOf('=');
          return [p.slice(0, eq), decode(p.slice(eq + 1))];
        }),
      );
      return {
        level: m[1] as Annotation['level'],
        title: props.title ?? '',
        file: props.file ?? '',
        line: Number(props.line),
        message: decode(m[3]!),
      };
    });
}

/** Check titles of an annotation (`helm lint, helm template (...) [set, ...]`). */
function titlesOf(a: Annotation): string[] {
  return a.title.replace(/ \[[^\]]*\]$/, '').split(', ');
}

/** 1-based line of the first line of a file containing `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not in ${file}`);
  return index + 1;
}

function summaryRow(run: ActionRun, set: string, check: string): string | undefined {
  return run.summary.split('\n').find((l) => l.startsWith(`| ${set} | ${check}`));
}

const withHelm = { PATH: `${TOOLS_BIN}:${process.env.PATH}` };

describe('actions/lint', () => {
  beforeAll(() => {
    toolPath('helm');
    execFileSync('node', ['scripts/build.mjs', 'lint'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }, 300_000);

  it('passes the real chart for dev, staging and production on Kubernetes 1.36 and 1.34', async () => {
    const run = await runAction('lint', {
      inputs: { 'kubernetes-versions': '1.36, v1.34.4' },
      env: withHelm,
    });
    expect(run.stdout).not.toContain('::error');
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('pass');
    const results = JSON.parse(run.outputs.environments!) as Record<string, string>;
    expect(results).toMatchObject({ dev: 'pass', staging: 'pass', production: 'pass' });
    expect(Object.keys(results).filter((k) => k.startsWith('ci/')).length).toBeGreaterThan(0);

    for (const env of ['dev', 'staging', 'production']) {
      for (const check of [
        'values',
        'helm lint',
        'helm template',
        'schema (Kubernetes 1.36)',
        'schema (Kubernetes 1.34)',
      ]) {
        expect(summaryRow(run, env, check), `${env} ${check}`).toMatch(/✅ pass/);
      }
    }
    // production treats every rule as an error and passes them all; dev only warns
    expect(summaryRow(run, 'production', 'policy')).toMatch(/✅ pass \| 9 rules: 9 as errors/);
    expect(summaryRow(run, 'dev', 'policy')).toMatch(/⚠️ warn .* 9 as warnings/);
    // Where the time went, per set and phase; helm's processes always take some.
    expect(run.summary).toMatch(/<summary>Timing: \d+ ms in all<\/summary>/);
    for (const env of ['dev', 'staging', 'production']) {
      const timing = run.summary
        .split('\n')
        .find((l) => l.startsWith(`| ${env} | `) && /^\| \S+ \|( \d+ \|){6}$/.test(l));
      const [values, helmLint, helmTemplate] = timing!.split('|').slice(2).map(Number);
      expect(helmLint, timing).toBeGreaterThan(0);
      expect(helmTemplate, timing).toBeGreaterThan(0);
      expect(values, timing).toBeGreaterThanOrEqual(0);
    }

    const manifests = JSON.parse(run.outputs.manifests!) as Record<string, Record<string, string>>;
    expect(run.outputs['manifests-dir']).toContain(path.join(run.runnerDir, 'temp'));
    for (const minor of ['1.36', '1.34']) {
      const file = manifests.production![minor]!;
      expect(file.startsWith(run.outputs['manifests-dir']!)).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain('# Source: hotswap/templates/deployment.yaml');
      expect(statSync(file).mode & 0o777).toBe(0o600); // rendered Secrets
    }
  });

  it('fails each broken fixture with the annotation at the right file and line and a failed summary row', async () => {
    const envFile = (env: string) => `${FIXTURES}/environments/${env}.yaml`;
    const template = (name: string) => `${FIXTURES}/web/templates/${name}`;
    const cases = [
      // bad YAML in a values file: the line of the unclosed flow sequence
      {
        env: 'bad-yaml',
        check: 'values',
        title: 'values: YAML syntax',
        file: envFile('bad-yaml'),
        line: lineOf(envFile('bad-yaml'), '[Always'),
        message: /Flow sequence/,
      },
      // several documents in a values file: helm 4 and helm 3 read different values
      {
        env: 'two-documents',
        check: 'values',
        title: 'values: YAML syntax',
        file: envFile('two-documents'),
        line: lineOf(envFile('two-documents'), 'replicaCount: 1'),
        message: /holds 2: helm 4 merges them, helm 3 reads only the first/,
      },
      // values.schema.json rejects an unknown enum value, at the key that sets it
      {
        env: 'bad-enum',
        check: 'helm lint',
        title: 'helm lint',
        file: envFile('bad-enum'),
        line: lineOf(envFile('bad-enum'), 'pullPolicy: Sometimes'),
        message: /image\.pullPolicy: value must be one of/,
      },
      // Kubernetes schema: a memory limit that is not a quantity
      {
        env: 'bad-quantity',
        check: 'schema (Kubernetes 1.36)',
        title: 'schema (Kubernetes 1.36)',
        file: envFile('bad-quantity'),
        line: lineOf(envFile('bad-quantity'), '512MB'),
        message: /resources\.limits\.memory: must be a quantity/,
      },
      // Kubernetes schema: an API version 1.36 no longer serves, at the values key the
      // template line `apiVersion: {{ .Values.podDisruptionBudget.apiVersion }}` renders
      {
        env: 'removed-api',
        check: 'schema (Kubernetes 1.36)',
        title: 'schema (Kubernetes 1.36)',
        file: envFile('removed-api'),
        line: lineOf(envFile('removed-api'), 'apiVersion:'),
        message: /policy\/v1beta1 PodDisruptionBudget is not served by Kubernetes 1\.36\.3/,
      },
      // CRD schema: ServiceMonitor with a malformed interval
      {
        env: 'bad-servicemonitor',
        check: 'schema (Kubernetes 1.36)',
        title: 'schema (Kubernetes 1.36)',
        file: envFile('bad-servicemonitor'),
        line: lineOf(envFile('bad-servicemonitor'), 'interval: 30x'),
        message: /ServiceMonitor\/web-web spec\.endpoints\.0\.interval: must match pattern/,
      },
      // an image hard-coded in a template: at that template line, not at image.tag in the values
      {
        env: 'hardcoded-image',
        check: 'policy',
        title: 'policy/image-tag',
        file: template('deployment.yaml'),
        line: lineOf(template('deployment.yaml'), 'image: example/migrate:latest'),
        message: /init container "migrate" image "example\/migrate:latest" uses the latest tag/,
      },
      // a template's fail: helm template stops at the template line
      {
        env: 'template-fail',
        check: 'helm template',
        title: 'helm template (Kubernetes 1.36)',
        file: template('hpa.yaml'),
        line: lineOf(template('hpa.yaml'), '{{- fail'),
        message: /autoscaling\.enabled needs autoscaling\.targetCPUUtilizationPercentage/,
      },
      // helm 4 execution errors (nil pointer) start with the place: that template line
      {
        env: 'nil-pointer',
        check: 'helm template',
        title: 'helm template (Kubernetes 1.36)',
        file: template('deployment.yaml'),
        line: lineOf(template('deployment.yaml'), '.Values.probes.liveness.enabled'),
        message: /nil pointer evaluating interface \{\}\.enabled/,
      },
      // each policy rule, pointed at the values key that breaks it
      {
        env: 'root',
        check: 'policy',
        title: 'policy/run-as-non-root',
        file: envFile('root'),
        line: lineOf(envFile('root'), 'runAsNonRoot: false'),
        message: /does not set securityContext\.runAsNonRoot: true/,
      },
      {
        env: 'writable-root',
        check: 'policy',
        title: 'policy/read-only-root-filesystem',
        file: envFile('writable-root'),
        line: lineOf(envFile('writable-root'), 'readOnlyRootFilesystem: false'),
        message: /readOnlyRootFilesystem: true/,
      },
      {
        env: 'capabilities',
        check: 'policy',
        title: 'policy/drop-capabilities',
        file: envFile('capabilities'),
        line: lineOf(envFile('capabilities'), 'drop: []'),
        message: /does not drop ALL capabilities/,
      },
      {
        env: 'no-resources',
        check: 'policy',
        title: 'policy/resources',
        file: envFile('no-resources'),
        line: lineOf(envFile('no-resources'), 'resources: null'),
        message: /does not set resources requests\.cpu, requests\.memory, limits\.memory/,
      },
      {
        env: 'no-probes',
        check: 'policy',
        title: 'policy/probes',
        file: envFile('no-probes'),
        line: lineOf(envFile('no-probes'), 'enabled: false'),
        message: /has no livenessProbe/,
      },
      {
        env: 'latest-tag',
        check: 'policy',
        title: 'policy/image-tag',
        file: envFile('latest-tag'),
        line: lineOf(envFile('latest-tag'), 'tag: latest'),
        message: /image "example\/web:latest" uses the latest tag/,
      },
      {
        env: 'one-replica',
        check: 'policy',
        title: 'policy/replicas',
        file: envFile('one-replica'),
        line: lineOf(envFile('one-replica'), 'replicaCount: 1'),
        message: /runs 1 replica\(s\) and has no HorizontalPodAutoscaler/,
      },
      {
        env: 'hpa-min',
        check: 'policy',
        title: 'policy/replicas',
        file: envFile('hpa-min'),
        line: lineOf(envFile('hpa-min'), 'minReplicas: 2'),
        message: /scales Deployment\/web-web down to 2 replica/,
      },
      {
        env: 'no-pdb',
        check: 'policy',
        title: 'policy/pod-disruption-budget',
        file: envFile('no-pdb'),
        line: lineOf(envFile('no-pdb'), 'enabled: false'),
        message: /has no PodDisruptionBudget/,
      },
      {
        env: 'no-tls',
        check: 'policy',
        title: 'policy/ingress-tls',
        file: envFile('no-tls'),
        line: lineOf(envFile('no-tls'), 'host: shop.example.com'),
        message: /host "shop\.example\.com" is not covered by TLS/,
      },
    ];
    const run = await runAction('lint', {
      inputs: {
        chart: `${FIXTURES}/web`,
        environments: [...cases.map((c) => c.env), 'unknown-crd', 'trailing-separator'].join(', '),
        'values-files': ENV_FILES,
        'ci-values': 'false',
        policy: 'default: error',
      },
      env: withHelm,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('fail');
    const results = JSON.parse(run.outputs.environments!) as Record<string, string>;
    const found = annotations(run.stdout);
    for (const c of cases) {
      expect(results[c.env], c.env).toBe('fail');
      const match = found.find(
        (a) =>
          a.level === 'error' &&
          titlesOf(a).includes(c.title) &&
          a.title.includes(c.env) &&
          c.message.test(a.message),
      );
      expect(
        match,
        `${c.env}: ${c.title} ${c.message} in\n${found.map((a) => `${a.title} ${a.file}:${a.line} ${a.message}`).join('\n')}`,
      ).toBeDefined();
      expect({ env: c.env, file: match!.file, line: match!.line }).toEqual({
        env: c.env,
        file: c.file,
        line: c.line,
      });
      expect(summaryRow(run, c.env, c.check), `${c.env} summary row`).toMatch(
        /❌ fail \(\d+ errors?\)/,
      );
    }
    // helm is not given a values file that does not parse; the row says why
    expect(summaryRow(run, 'bad-yaml', 'helm lint')).toMatch(
      /⏭️ skipped \| skipped: a values file does not parse \|$/,
    );
    // a custom resource without a schema is reported as skipped, never passed silently
    expect(results['unknown-crd']).toBe('pass');
    const skipped = found.find((a) => a.title.includes('unknown-crd'));
    expect(skipped).toMatchObject({
      level: 'notice',
      file: template('certificate.yaml'),
      line: lineOf(template('certificate.yaml'), 'kind: Certificate'),
    });
    expect(skipped!.message).toContain('skipped: no schema for cert-manager.io/v1 Certificate');
    expect(summaryRow(run, 'unknown-crd', 'schema (Kubernetes 1.36)')).toContain(
      '1 skipped: no schema (cert-manager.io/v1 Certificate)',
    );
    // a document left empty after the values (a trailing ---) is no second one
    expect(summaryRow(run, 'trailing-separator', 'values')).toMatch(/✅ pass/);
    // a values set whose values do not parse runs no helm at all
    expect(summaryRow(run, 'bad-yaml', 'helm lint')).toContain('⏭️ skipped');
    expect(run.stdout).toMatch(/::error::Chart lint failed: bad-yaml: values/);
  });

  it('validates a custom resource against a CRD passed in crds instead of skipping it', async () => {
    const run = await runAction('lint', {
      inputs: {
        chart: `${FIXTURES}/web`,
        environments: 'unknown-crd',
        'values-files': ENV_FILES,
        'ci-values': 'false',
        crds: `${FIXTURES}/crds/certificates.yaml`,
      },
      env: withHelm,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('skipped: no schema');
    expect(summaryRow(run, 'unknown-crd', 'schema (Kubernetes 1.36)')).toMatch(
      /✅ pass \| 4\/4 objects valid;/,
    );
  });

  describe('chart version bump (base ref)', () => {
    let workspace: string;
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: workspace, encoding: 'utf8' });

    beforeAll(() => {
      workspace = mkdtempSync(path.join(tmpdir(), 'lint-bump-'));
      cpSync(path.join(REPO_ROOT, FIXTURES, 'web'), path.join(workspace, 'charts', 'web'), {
        recursive: true,
      });
      mkdirSync(path.join(workspace, 'env'));
      cpSync(
        path.join(REPO_ROOT, FIXTURES, 'environments', 'production.yaml'),
        path.join(workspace, 'env', 'production.yaml'),
      );
      git('init', '-q', '-b', 'main');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'chart 1.0.0');
      git('tag', 'base');
    });

    const lint = (baseRef: string) =>
      runAction('lint', {
        workspace,
        inputs: {
          chart: 'charts/web',
          environments: 'production',
          'values-files': 'env/{env}.yaml',
          'ci-values': 'false',
          'base-ref': baseRef,
        },
        env: withHelm,
      });
    const commit = (message: string) => {
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', message);
    };

    it('passes when the chart did not change since the base ref', async () => {
      const run = await lint('base');
      expect(run.code).toBe(0);
      expect(summaryRow(run, '(chart)', 'chart version')).toMatch(
        /✅ pass \| no changes under web\/ since base/,
      );
    });

    it('fails a template change without a version bump, at Chart.yaml version, then passes once bumped', async () => {
      const deployment = path.join(workspace, 'charts/web/templates/service.yaml');
      writeFileSync(deployment, readFileSync(deployment, 'utf8').replace('port: 80', 'port: 8080'));
      commit('change the service port');
      const run = await lint('base');
      expect(run.code).toBe(1);
      const chartYaml = readFileSync(path.join(workspace, 'charts/web/Chart.yaml'), 'utf8').split(
        '\n',
      );
      const versionLine = chartYaml.findIndex((l) => l.startsWith('version:')) + 1;
      const bump = annotations(run.stdout).find((a) => a.title === 'chart version');
      expect(bump).toMatchObject({
        level: 'error',
        file: 'charts/web/Chart.yaml',
        line: versionLine,
      });
      expect(bump!.message).toMatch(
        /1 file\(s\) changed under web\/ since base .*version 1\.0\.0 is not greater than 1\.0\.0/,
      );
      expect(summaryRow(run, '(chart)', 'chart version')).toMatch(/❌ fail \(1 error\)/);
      expect(JSON.parse(run.outputs.environments!)).toEqual({ production: 'pass' });

      const chartFile = path.join(workspace, 'charts/web/Chart.yaml');
      writeFileSync(
        chartFile,
        readFileSync(chartFile, 'utf8').replace('version: 1.0.0', 'version: 1.0.1'),
      );
      commit('bump to 1.0.1');
      const bumped = await lint('base');
      expect(bumped.code).toBe(0);
      expect(summaryRow(bumped, '(chart)', 'chart version')).toMatch(
        /✅ pass .*1\.0\.0 -> 1\.0\.1/,
      );
    });
  });

  describe('bad inputs fail before helm runs, naming the input', () => {
    let marker: string;
    let fakeHelm: string;
    beforeAll(() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'fake-helm-'));
      marker = path.join(dir, 'ran');
      fakeHelm = path.join(dir, 'helm');
      writeFileSync(fakeHelm, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
      chmodSync(fakeHelm, 0o755);
    });

    it.each([
      [
        'chart',
        { chart: 'charts/nope' },
        /Invalid input 'chart': "charts\/nope"\. Expected a chart directory/,
      ],
      [
        'chart',
        { chart: '../../etc' },
        /Invalid input 'chart': "\.\.\/\.\.\/etc"\. Expected a path inside the workspace/,
      ],
      [
        'environments',
        { environments: 'dev, qa' },
        /Invalid input 'environments': "qa"\. Expected environments that have values files \(chart\/environments\/qa\.yaml does not exist\)/,
      ],
      [
        'kubernetes-versions',
        { 'kubernetes-versions': '1.36, latest' },
        /Invalid input 'kubernetes-versions': "latest"\. Expected Kubernetes versions such as 1\.36/,
      ],
      [
        'kubernetes-versions',
        { 'kubernetes-versions': '1.20' },
        /Invalid input 'kubernetes-versions': "1\.20"\. .*supported minor \(1\.36, 1\.34\)/,
      ],
      [
        'policy',
        { policy: 'production: fatal' },
        /Invalid input 'policy'.*one of error, warning, off/,
      ],
      [
        'base-ref',
        { 'base-ref': 'no-such-ref' },
        /Invalid input 'base-ref': "no-such-ref"\. Expected a git ref or commit/,
      ],
    ])('%s: %j', async (_input, inputs, message) => {
      const run = await runAction('lint', { inputs: { ...inputs, helm: fakeHelm }, env: withHelm });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(message);
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('runs with helm 3 as well', async () => {
    const run = await runAction('lint', {
      inputs: { environments: 'production', 'ci-values': 'false', helm: toolPath('helm3') },
      env: withHelm,
    });
    expect(run.code).toBe(0);
    expect(run.summary).toContain('helm v3.');
    expect(summaryRow(run, 'production', 'policy')).toMatch(/✅ pass/);
  });

  it('checks an object whose rendered YAML sets a key twice as helm applies it (the last value), with a warning there', async () => {
    // loki's zone-aware ingesters render podAntiAffinity twice: helm installs them, keeping the last
    const workspace = tempDir('lint-duplicate-key-');
    const chart = path.join(workspace, 'dup');
    mkdirSync(path.join(chart, 'templates'), { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: dup\nversion: 1.0.0\n');
    writeFileSync(
      path.join(chart, 'values.yaml'),
      'affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution: []\nport: http\n',
    );
    writeFileSync(
      path.join(chart, 'templates', 'deployment.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: dup',
        'spec:',
        '  selector: {matchLabels: {app: dup}}',
        '  template:',
        '    metadata: {labels: {app: dup}}',
        '    spec:',
        '      affinity:',
        '        podAntiAffinity:',
        '          requiredDuringSchedulingIgnoredDuringExecution: []',
        '        {{- toYaml .Values.affinity | nindent 8 }}',
        '      containers:',
        '        - name: app',
        '          image: nginx:1.27',
        '          ports: [{containerPort: {{ .Values.port }}}]',
        '',
      ].join('\n'),
    );
    const run = await runAction('lint', {
      inputs: { chart: 'dup', environments: 'defaults', 'values-files': '', 'ci-values': 'false' },
      workspace,
      env: withHelm,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::warning title=helm template (Kubernetes 1.36) [defaults],file=dup/templates/deployment.yaml,line=11::Deployment/dup spec.template.spec.affinity.podAntiAffinity: set twice in one mapping of the rendered YAML; Kubernetes gets only the last value',
    );
    expect(run.stdout).not.toContain('does not parse');
    // the object is still checked: its port from values is no integer
    expect(run.stdout).toMatch(/::error title=schema .*containerPort: must be an integer/);
  });

  it.each([
    ['helm 4', 'helm'],
    ['helm 3', 'helm3'],
  ])(
    'points YAML a template renders wrong at the line that wrote it, not at line 1 (%s)',
    async (_, helm) => {
      // helm names the line of the rendered document (`yaml: line 8`), after `{{- if }}` lines
      // vanished and a toYaml expanded: the template line is 18
      const workspace = tempDir('lint-bad-rendered-yaml-');
      const chart = path.join(workspace, 'broken');
      mkdirSync(path.join(chart, 'templates'), { recursive: true });
      writeFileSync(
        path.join(chart, 'Chart.yaml'),
        'apiVersion: v2\nname: broken\nversion: 1.0.0\n',
      );
      writeFileSync(
        path.join(chart, 'values.yaml'),
        'name: web\nannotations:\n  team: web\npassword: s3cr3t-rendered-value\n',
      );
      const template = [
        '{{- if .Values.name }}',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: {{ .Values.name }}',
        'stringData:',
        '  password: {{ .Values.password }}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Values.name }}',
        '  {{- with .Values.annotations }}',
        '  annotations:',
        '    {{- toYaml . | nindent 4 }}',
        '  {{- end }}',
        'data:',
        '  team: {{ .Values.annotations | toYaml }}',
        '{{- end }}',
        '',
      ].join('\n');
      writeFileSync(path.join(chart, 'templates', 'config.yaml'), template);
      const run = await runAction('lint', {
        inputs: {
          chart: 'broken',
          environments: 'defaults',
          'values-files': '',
          'ci-values': 'false',
          helm: toolPath(helm),
        },
        workspace,
        env: withHelm,
      });
      expect(run.code).toBe(1);
      const line = template.split('\n').indexOf('  team: {{ .Values.annotations | toYaml }}') + 1;
      expect(line).toBe(18);
      const at = `file=broken/templates/config.yaml,line=${line}::`;
      expect(run.stdout).toContain(`::error title=helm lint [defaults],${at}`);
      expect(run.stdout).toContain(
        `::error title=helm template (Kubernetes 1.36) [defaults],${at}`,
      );
      expect(run.stdout).toMatch(/yaml: line 8: mapping values are not allowed/);
      // the rendered Secret helm prints with --debug is read, never shown
      expect(run.stdout + run.stderr + run.summary).not.toContain('s3cr3t-rendered-value');
    },
  );

  it("points a failed `required` at the values key left empty, else at the template's call", async () => {
    const workspace = tempDir('lint-required-');
    const chart = path.join(workspace, 'canary');
    mkdirSync(path.join(chart, 'templates'), { recursive: true });
    mkdirSync(path.join(workspace, 'env'));
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: canary\nversion: 1.0.0\n');
    writeFileSync(
      path.join(chart, 'values.yaml'),
      'image: canary\nloki:\n  # where to push\n  address: null\n',
    );
    const template = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: canary',
      'data:',
      '  address: {{ required "loki.address is required" .Values.loki.address | quote }}',
      '  token: {{ .Values.token | required "token is required" | quote }}',
      '',
    ].join('\n');
    writeFileSync(path.join(chart, 'templates', 'config.yaml'), template);
    writeFileSync(
      path.join(workspace, 'env', 'dev.yaml'),
      'image: canary-dev\nloki:\n  address: ""\n',
    );
    writeFileSync(path.join(workspace, 'env', 'defaults.yaml'), 'image: canary\n');
    writeFileSync(
      path.join(workspace, 'env', 'staging.yaml'),
      'loki:\n  address: http://loki:3100\n',
    );
    const run = await runAction('lint', {
      inputs: {
        chart: 'canary',
        environments: 'defaults, dev, staging',
        'values-files': 'env/{env}.yaml',
        'ci-values': 'false',
      },
      workspace,
      env: withHelm,
    });
    expect(run.code).toBe(1);
    const title = 'helm template (Kubernetes 1.36)';
    // the chart's own `address: null`, for a set whose files leave loki alone
    expect(run.stdout).toContain(
      `::error title=${title} [defaults],file=canary/values.yaml,line=4,col=3::execution error at (canary/templates/config.yaml:6:14): loki.address is required`,
    );
    // the environment's `address: ""`, the file of highest precedence that sets it
    expect(run.stdout).toContain(
      `::error title=${title} [dev],file=env/dev.yaml,line=3,col=3::execution error at (canary/templates/config.yaml:6:14): loki.address is required`,
    );
    // a key no values file has: the template's call (the piped form reads .Values.token)
    // helm's column 28 counts from 0: `required` is the 29th character of the line
    expect(template.split('\n')[6]!.indexOf('required')).toBe(28);
    expect(run.stdout).toContain(
      `::error title=${title} [staging],file=canary/templates/config.yaml,line=7,col=29::execution error at (canary/templates/config.yaml:7:28): token is required`,
    );
  });

  it('renders a chart kept in a directory whose name is no release name (My_Chart) under a name helm takes', async () => {
    const workspace = tempDir('lint-release-name-');
    cpSync(path.join(REPO_ROOT, FIXTURES, 'web'), path.join(workspace, 'My_Web.v2'), {
      recursive: true,
    });
    const run = await runAction('lint', {
      inputs: {
        chart: 'My_Web.v2',
        environments: 'defaults',
        'values-files': '',
        'ci-values': 'false',
      },
      workspace,
      env: withHelm,
    });
    expect(run.stdout).not.toContain('invalid release name');
    expect(run.code, run.stdout).toBe(0);
    expect(summaryRow(run, 'defaults', 'helm template')).toMatch(/✅ pass/);
  });

  it('lints a library chart with helm lint alone, as helm template refuses one (type: library)', async () => {
    const run = await runAction('lint', {
      inputs: {
        chart: `${FIXTURES}/library`,
        environments: 'defaults',
        'values-files': '',
        'ci-values': 'false',
        'kubernetes-versions': '1.36, 1.34',
      },
      env: withHelm,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('pass');
    expect(run.stdout).not.toContain('::error');
    expect(summaryRow(run, 'defaults', 'helm lint')).toMatch(/✅ pass \| helm lint --strict/);
    for (const check of ['helm template', 'schema', 'policy'])
      expect(summaryRow(run, 'defaults', check), check).toMatch(
        /⏭️ skipped \| skipped: a library chart renders nothing of its own/,
      );
    expect(JSON.parse(run.outputs.manifests!)).toEqual({ defaults: {} });
  });

  it('warns of misspelt keys in the values of a chart without values.schema.json, at their lines', async () => {
    const env = `${FIXTURES}/typos/environments/dev.yaml`;
    const inputs = {
      chart: `${FIXTURES}/typos/shop`,
      environments: 'dev',
      'values-files': `${FIXTURES}/typos/environments/{env}.yaml`,
      'ci-values': 'false',
    };
    const run = await runAction('lint', { inputs, env: withHelm });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('pass');
    const typos = annotations(run.stdout).filter((a) => a.title === 'values/misspelt-key [dev]');
    expect(typos.map((a) => [a.level, a.file, a.line, a.message])).toEqual([
      [
        'warning',
        env,
        lineOf(env, 'sizee:'),
        'values key persistence.sizee is not one the chart has; did you mean persistence.size?',
      ],
      [
        'warning',
        env,
        lineOf(env, 'hots:'),
        'values key ingress.hosts[1].hots is not one the chart has; did you mean ingress.hosts[1].host?',
      ],
      [
        'warning',
        env,
        lineOf(env, 'memroy:'),
        'values key sessions.memroy is not one the chart has; did you mean sessions.memory?',
      ],
      [
        'warning',
        env,
        lineOf(env, 'cacheRegoin:'),
        'values key global.cacheRegoin is not one the chart has; did you mean global.cacheRegion?',
      ],
    ]);
    // free-form maps (podAnnotations, env) and an option the template reads are not judged
    expect(annotations(run.stdout)).toHaveLength(4);
    expect(summaryRow(run, 'dev', 'values')).toMatch(
      /⚠️ warn.*\| 2 file\(s\): .*; keys checked against the chart's values \|$/,
    );

    // named in the policy, the rule is an error; off, it reports nothing
    const strict = await runAction('lint', {
      inputs: { ...inputs, policy: 'dev:\n  misspelt-key: error' },
      env: withHelm,
    });
    expect(strict.code).not.toBe(0);
    expect(strict.outputs.errors).toBe('4');
    expect(summaryRow(strict, 'dev', 'values')).toMatch(/❌ fail/);
    const off = await runAction('lint', {
      inputs: { ...inputs, policy: 'dev:\n  misspelt-key: off' },
      env: withHelm,
    });
    expect(off.outputs.warnings).toBe('0');
    expect(summaryRow(off, 'dev', 'values')).toMatch(/; misspelt-key off/);
  });

  it("takes helm's version from the job's record for that very file, and asks helm once the file changed", async () => {
    // A copy of helm with a record saying v4.99.0: a summary with v4.99.0 can
    // only come from the record, since helm itself says v4.3.1.
    const bin = path.join(tempDir('lint-helm-'), 'helm');
    cpSync(toolPath('helm'), bin);
    const runnerDir = tempDir('lint-runner-');
    recordHelmVersion(bin, 'v4.99.0', { RUNNER_TEMP: path.join(runnerDir, 'temp') });
    const inputs = { environments: 'dev', 'ci-values': 'false', helm: bin };
    const recorded = await runAction('lint', { inputs, env: withHelm, runnerDir });
    expect(recorded.code, recorded.stdout).toBe(0);
    expect(recorded.summary).toContain('helm v4.99.0;');

    const later = new Date(statSync(bin).mtimeMs + 60_000);
    utimesSync(bin, later, later);
    const changed = await runAction('lint', { inputs, env: withHelm, runnerDir });
    expect(changed.code, changed.stdout).toBe(0);
    expect(changed.summary).toMatch(/helm v4\.3\.\d+;/);
  });
});
