// actions/lint (the built bundle, real helm) on public charts we did not
// write, with the ci values they ship here: every check runs, custom
// resources are checked against the CRDs the chart ships (or skipped with a
// notice when there is none), and policy findings point into the chart's own
// files.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { TOOLS_BIN } from '../support/tools.js';

const CHARTS = 'test/fixtures/charts';
const env = { PATH: `${TOOLS_BIN}:${process.env.PATH}` };

function row(summary: string, check: string): string | undefined {
  return summary.split('\n').find((l) => l.startsWith(`| ci/kwok-values | ${check} |`));
}

describe('actions/lint on public charts', () => {
  it.each(['podinfo', 'alertmanager', 'prometheus-node-exporter', 'traefik', 'vault'])(
    '%s: helm lint, helm template and the schema pass; policy findings are warnings in its own files',
    async (chart) => {
      const dir = path.join(CHARTS, chart);
      const run = await runAction('lint', {
        inputs: { chart: dir, environments: '', 'ci-values': 'true' },
        env,
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.result).toBe('pass');
      expect(run.outputs.errors).toBe('0');
      for (const check of ['values', 'helm lint', 'helm template', 'schema (Kubernetes 1.36)'])
        expect(row(run.summary, check), check).toMatch(/✅ pass/);
      const findings = run.summary.split('\n').filter((l) => l.startsWith('- **warning** `'));
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) expect(f).toContain(`\`${dir}/`);
    },
  );

  it("lints a chart's own values when no environment and no ci scenario is given, as helm lint does (vault)", async () => {
    const run = await runAction('lint', {
      inputs: { chart: path.join(CHARTS, 'vault'), environments: '', 'ci-values': 'false' },
      env,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(JSON.parse(run.outputs.environments!)).toEqual({ defaults: 'pass' });
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| defaults |'));
    expect(rows.find((l) => l.startsWith('| defaults | values |'))).toContain(
      `1 file(s): ${CHARTS}/vault/values.yaml;`,
    );
    for (const check of ['helm lint', 'helm template', 'schema (Kubernetes 1.36)'])
      expect(
        rows.find((l) => l.startsWith(`| defaults | ${check} |`)),
        check,
      ).toMatch(/✅ pass/);
  });

  it("checks a chart's custom resources against the CRDs of its own crds/ (traefik: IngressRoute, TLSOption)", async () => {
    const run = await runAction('lint', {
      inputs: { chart: path.join(CHARTS, 'traefik'), environments: '', 'ci-values': 'true' },
      env,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(row(run.summary, 'schema (Kubernetes 1.36)')).toMatch(
      /✅ pass \| 8\/8 objects valid; 2 custom resources checked against the chart's crds\/; /,
    );
    expect(run.stdout).not.toContain('skipped: no schema');
  });

  it("reports a custom resource that breaks the chart's CRD where it can be fixed: the template line, or the values key (traefik)", async () => {
    const dir = path.join(CHARTS, 'traefik');
    const valuesFile = 'test/fixtures/lint/public-charts/traefik-bad-crs.yaml';
    const run = await runAction('lint', {
      inputs: {
        chart: dir,
        environments: 'bad-crs',
        'values-files': valuesFile,
        'ci-values': 'false',
      },
      env,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('fail');
    const lineOf = (file: string, text: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(text)) + 1;
    const template = `${dir}/templates/ingressroute.yaml`;
    const title = 'schema (Kubernetes 1.36) [bad-crs]';
    // `match: {{ $config.matchRule }}` renders the string "2024" as an integer: the template's fault
    expect(run.stdout).toContain(
      `::error title=${title},file=${template},line=${lineOf(template, '- match:')}`,
    );
    expect(run.stdout).toMatch(
      /IngressRoute\/traefik-dashboard spec\.routes\.0\.match: must be a string/,
    );
    // a misspelt key the CRD does not define: at the values key
    expect(run.stdout).toContain(
      `::error title=${title},file=${valuesFile},line=${lineOf(valuesFile, 'certResolvr:')}`,
    );
    expect(run.stdout).toContain('spec.tls.certResolvr: unknown field "certResolvr"');
    expect(
      run.summary.split('\n').find((l) => l.startsWith('| bad-crs | schema (Kubernetes 1.36) |')),
    ).toMatch(
      /❌ fail \(2 errors\) \| 7\/8 objects valid; 2 custom resources checked against the chart's crds\//,
    );
  });

  it("validates against a CRD from the crds input over the chart's own (an explicit input wins)", async () => {
    const dir = path.join(CHARTS, 'traefik');
    const lint = (crds: string) =>
      runAction('lint', {
        inputs: { chart: dir, environments: '', 'ci-values': 'true', crds },
        env,
      });
    // the chart's own TLSOption CRD, given again: same result, credited to the input
    const same = await lint(`${dir}/crds/traefik.io_tlsoptions.yaml`);
    expect(same.code, same.stdout).toBe(0);
    expect(row(same.summary, 'schema (Kubernetes 1.36)')).toContain(
      "8/8 objects valid; 2 custom resources checked against the chart's crds/ (1), the crds input (1)",
    );
    // a narrower one (minVersion VersionTLS12 only): the chart's ci TLSOption now breaks it
    const narrower = await lint('test/fixtures/lint/public-charts/traefik-tlsoption-tls12.yaml');
    expect(narrower.code).toBe(1);
    expect(row(narrower.summary, 'schema (Kubernetes 1.36)')).toMatch(
      /❌ fail \(1 error\) \| 7\/8 objects valid; 2 custom resources checked against the chart's crds\/ \(1\), the crds input \(1\)/,
    );
    expect(narrower.stdout).toMatch(/::error title=schema.*::TLSOption\/modern spec\.minVersion: /);
  });

  it('checks custom resources against the CRDs a values set renders, and only that set (keda: crds.install)', async () => {
    const dir = path.join(CHARTS, 'keda');
    const run = await runAction('lint', {
      inputs: {
        chart: dir,
        environments: 'keda-trigger-auth, keda-no-crds',
        'values-files': 'test/fixtures/lint/public-charts/{env}.yaml',
        'ci-values': 'false',
      },
      env,
    });
    const schemaRow = (set: string) =>
      run.summary.split('\n').find((l) => l.startsWith(`| ${set} | schema (Kubernetes 1.36) |`));
    // the chart renders its keda.sh CRDs: the documented example passes, the typo is an error
    const valuesFile = 'test/fixtures/lint/public-charts/keda-trigger-auth.yaml';
    const kee =
      readFileSync(valuesFile, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('kee:')) + 1;
    expect(JSON.parse(run.outputs.environments!)).toEqual({
      'keda-trigger-auth': 'fail',
      'keda-no-crds': 'pass',
    });
    expect(schemaRow('keda-trigger-auth')).toMatch(
      /❌ fail \(2 errors\) \| (\d+)\/(\d+) objects valid; 2 custom resources checked against the chart's templates; /,
    );
    expect(run.stdout).toContain(
      `::error title=schema (Kubernetes 1.36) [keda-trigger-auth],file=${valuesFile},line=${kee},col=11::TriggerAuthentication/queue-auth spec.secretTargetRef.0.kee: unknown field "kee"`,
    );
    // the misspelt key also leaves the required `key` out
    expect(run.stdout).toContain(
      'TriggerAuthentication/queue-auth spec.secretTargetRef.0: missing required field "key"',
    );
    expect(run.stdout).not.toMatch(
      /keda-trigger-auth.*ClusterTriggerAuthentication\/aws-credentials/,
    );
    // with crds.install off no CRD defines keda.sh: skipped with the notice, as before
    expect(schemaRow('keda-no-crds')).toMatch(
      /✅ pass \| (\d+)\/(\d+) objects valid; 1 skipped: no schema \(keda\.sh\/v1alpha1 ClusterTriggerAuthentication\); k8s/,
    );
    expect(run.stdout).toMatch(
      /::notice title=schema \(Kubernetes 1\.36\) \[keda-no-crds\].*ClusterTriggerAuthentication\/aws-credentials skipped: .*pass its CRD in the crds input/,
    );
  });

  it('loads no schema compiler for a chart whose sets render no custom resource, crds/ or not (traefik defaults)', async () => {
    // the lint action without its ajv chunk: any run that needs it fails
    const action = mkdtempSync(path.join(tmpdir(), 'lint-no-ajv-'));
    cpSync(path.join(REPO_ROOT, 'actions/lint'), action, { recursive: true });
    const chunks = readdirSync(path.join(action, 'dist')).filter((f) =>
      /^schema-compile-.*\.js$/.test(f),
    );
    expect(chunks).toHaveLength(1);
    rmSync(path.join(action, 'dist', chunks[0]!));
    const lint = (inputs: Record<string, string>) =>
      runAction(action, { inputs: { chart: path.join(CHARTS, 'traefik'), ...inputs }, env });
    const defaults = await lint({
      environments: 'defaults',
      'values-files': '',
      'ci-values': 'false',
    });
    expect(defaults.code, defaults.stdout).toBe(0);
    expect(defaults.outputs.result).toBe('pass');
    // its ci values render an IngressRoute and a TLSOption: those need it
    const ci = await lint({ environments: '', 'ci-values': 'true' });
    expect(ci.code).toBe(1);
    expect(ci.stdout).toMatch(/::error::Cannot find module .*schema-compile-/);
    rmSync(action, { recursive: true, force: true });
  });

  it("points a container's finding at the values key its securityContext comes from (alertmanager, readOnlyRootFilesystem)", async () => {
    const dir = path.join(CHARTS, 'alertmanager');
    const run = await runAction('lint', {
      inputs: { chart: dir, environments: '', 'ci-values': 'true' },
      env,
    });
    // the container renders .Values.securityContext (the pod's is podSecurityContext); the
    // top-level statefulSet: holds the StatefulSet's own annotations
    const line =
      readFileSync(`${dir}/values.yaml`, 'utf8').split('\n').indexOf('securityContext:') + 1;
    expect(run.summary).toContain(
      `\`${dir}/values.yaml:${line}\` policy/read-only-root-filesystem`,
    );
  });

  it("points a component's finding at that component's values key (vault: the server, not the injector)", async () => {
    const dir = path.join(CHARTS, 'vault');
    const run = await runAction('lint', {
      inputs: { chart: dir, environments: '', 'ci-values': 'true' },
      env,
    });
    const values = readFileSync(`${dir}/values.yaml`, 'utf8').split('\n');
    const under = (top: string, key: string) => {
      const start = values.indexOf(`${top}:`);
      return values.findIndex((l, i) => i > start && l === `  ${key}`) + 1;
    };
    // server-statefulset.yaml renders the server: server.resources, not injector.resources
    expect(under('server', 'resources: {}')).toBeGreaterThan(under('injector', 'resources: {}'));
    expect(run.summary).toContain(
      `\`${dir}/values.yaml:${under('server', 'resources: {}')}\` policy/resources [ci/kwok-values]: StatefulSet/vault container "vault"`,
    );
  });

  it('points each document of a template that writes several at its own lines (metrics-server: Issuer, then Certificate)', async () => {
    const dir = path.join(CHARTS, 'metrics-server');
    const run = await runAction('lint', {
      inputs: { chart: dir, environments: '', 'ci-values': 'true' },
      env,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(Object.keys(JSON.parse(run.outputs.environments!) as object).sort()).toEqual([
      'ci/ci-values',
      'ci/tls-certManager-values',
      'ci/tls-existingSecret-values',
      'ci/tls-helm-values',
    ]);
    const set = 'ci/tls-certManager-values';
    const schemaRow = run.summary
      .split('\n')
      .find((l) => l.startsWith(`| ${set} | schema (Kubernetes 1.36) |`));
    // the APIService and the rest validated; the two cert-manager kinds skipped
    expect(schemaRow).toMatch(/✅ pass \| 9\/11 objects valid; 2 skipped: no schema/);
    const template = `${dir}/templates/certificate.yaml`;
    const lines = readFileSync(template, 'utf8').split('\n');
    const kindLine = (kind: string) => lines.indexOf(`kind: ${kind}`) + 1;
    expect(kindLine('Issuer')).toBeLessThan(kindLine('Certificate'));
    for (const [kind, name] of [
      ['Issuer', 'metrics-server-issuer'],
      ['Certificate', 'metrics-server'],
    ])
      expect(run.stdout).toContain(
        `::notice title=schema (Kubernetes 1.36) [${set}],file=${template},line=${kindLine(kind!)}::${kind}/${name} skipped`,
      );
  });

  it('checks the items of a kind: List, which helm applies one by one (alertmanager, per-replica Services and Ingresses)', async () => {
    const dir = path.join(CHARTS, 'alertmanager');
    const run = await runAction('lint', {
      inputs: {
        chart: dir,
        environments: 'per-replica',
        'values-files': 'test/fixtures/lint/public-charts/alertmanager-per-replica.yaml',
        'ci-values': 'false',
      },
      env,
    });
    expect(run.code, run.stdout).toBe(0);
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| per-replica |'));
    // two Lists of two items each: four objects, no List among them
    expect(rows.find((l) => l.includes('| schema (Kubernetes 1.36) |'))).toMatch(
      /✅ pass \| (\d+)\/\1 objects valid;/,
    );
    expect(run.stdout).not.toMatch(/List is not served/);
    const manifest = readFileSync(
      (JSON.parse(run.outputs.manifests!) as Record<string, Record<string, string>>)[
        'per-replica'
      ]!['1.36']!,
      'utf8',
    );
    expect(manifest.match(/^kind: List$/gm)).toHaveLength(2);
    // the policy sees each Ingress of the list
    for (const i of [0, 1])
      expect(run.summary).toMatch(
        new RegExp(
          `\`${dir}/templates/ingressperreplica\\.yaml:\\d+\` policy/ingress-tls \\[per-replica\\]: Ingress/alertmanager-${i} host "alertmanager-${i}\\.example\\.com" is not covered by TLS`,
        ),
      );
  });
  it.each([
    ['helm 4', 'helm'],
    ['helm 3', 'helm3'],
  ])(
    'renders what a cluster of the target serves: apiregistration.k8s.io/v1 APIServices (prometheus-adapter, %s)',
    async (_, helm) => {
      // `.Capabilities.APIVersions.Has "apiregistration.k8s.io/v1"`: helm template alone says no
      // and renders v1beta1, which no 1.36 or 1.34 cluster serves; a cluster's discovery says yes
      const dir = path.join(CHARTS, 'prometheus-adapter');
      const run = await runAction('lint', {
        inputs: {
          chart: dir,
          environments: '',
          'ci-values': 'true',
          'kubernetes-versions': '1.36, 1.34',
          helm: path.join(TOOLS_BIN, helm),
        },
        env,
      });
      expect(run.stdout).not.toContain('is not served');
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.errors).toBe('0');
      for (const set of ['ci/default-values', 'ci/external-rules-values'])
        for (const minor of ['1.36', '1.34'])
          expect(
            run.summary
              .split('\n')
              .find((l) => l.startsWith(`| ${set} | schema (Kubernetes ${minor}) |`)),
          ).toMatch(/✅ pass/);
      const manifests = JSON.parse(run.outputs.manifests!) as Record<
        string,
        Record<string, string>
      >;
      const rendered = readFileSync(manifests['ci/external-rules-values']!['1.36']!, 'utf8');
      expect(rendered).toContain('apiVersion: apiregistration.k8s.io/v1\nkind: APIService');
      expect(rendered).not.toContain('apiregistration.k8s.io/v1beta1');
    },
  );
  it.each([
    ['helm 4', 'helm'],
    ['helm 3', 'helm3'],
  ])(
    'passes a PodDisruptionBudget a cluster of the target serves, though helm lint renders the old one (traefik, %s)',
    async (_, helm) => {
      // helm lint has no --api-versions: it renders policy/v1beta1 and calls it deprecated
      const dir = path.join(CHARTS, 'traefik');
      const run = await runAction('lint', {
        inputs: {
          chart: dir,
          environments: 'traefik-pdb',
          'values-files': 'test/fixtures/lint/public-charts/{env}.yaml',
          'ci-values': 'false',
          helm: path.join(TOOLS_BIN, helm),
        },
        env,
      });
      expect(run.stdout).not.toMatch(/deprecated|is not served/);
      expect(run.code, run.stdout).toBe(0);
      const manifests = JSON.parse(run.outputs.manifests!) as Record<
        string,
        Record<string, string>
      >;
      const rendered = readFileSync(manifests['traefik-pdb']!['1.36']!, 'utf8');
      expect(rendered).toContain('apiVersion: policy/v1\nkind: PodDisruptionBudget');
    },
  );
  it("points a subchart's findings into the subchart, its alias's keys in the parent's values first (podinfo as frontend)", async () => {
    // `# Source: shop/charts/frontend/templates/…`: helm names an aliased subchart by its alias
    const workspace = mkdtempSync(path.join(tmpdir(), 'lint-umbrella-'));
    try {
      mkdirSync(path.join(workspace, 'shop', 'templates'), { recursive: true });
      cpSync(path.join(CHARTS, 'podinfo'), path.join(workspace, 'shop', 'charts', 'podinfo'), {
        recursive: true,
      });
      writeFileSync(
        path.join(workspace, 'shop', 'Chart.yaml'),
        'apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: podinfo\n    version: 6.14.1\n    alias: frontend\n',
      );
      writeFileSync(path.join(workspace, 'shop', 'values.yaml'), 'frontend:\n  replicaCount: 2\n');
      const run = await runAction('lint', {
        inputs: { chart: 'shop', environments: 'dev', 'values-files': '', 'ci-values': 'false' },
        workspace,
        env,
      });
      expect(run.code, run.stdout).toBe(0);
      const podinfoValues = readFileSync(path.join(CHARTS, 'podinfo', 'values.yaml'), 'utf8');
      const line = (text: string) => podinfoValues.split('\n').indexOf(text) + 1;
      // set in the parent under the alias: there
      expect(run.stdout).toContain(
        '::warning title=policy/replicas [dev],file=shop/values.yaml,line=2,col=3::Deployment/shop-frontend runs 2 replica(s)',
      );
      // a default of the subchart: its own values.yaml
      expect(run.stdout).toContain(
        `::warning title=policy/resources [dev],file=shop/charts/podinfo/values.yaml,line=${line('resources:')},col=1::Deployment/shop-frontend container "frontend" does not set resources limits.memory`,
      );
      // a template of the subchart: the file in its directory, not the parent's Chart.yaml
      expect(run.stdout).toMatch(
        /::warning title=policy\/image-tag \[dev\],file=shop\/charts\/podinfo\/templates\/tests\/jwt\.yaml,line=\d+::/,
      );
      expect(run.stdout).not.toContain('file=shop/Chart.yaml');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
