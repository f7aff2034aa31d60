// Generates the offline schema data that actions/lint validates rendered
// manifests against: one gzip JSON file per Kubernetes minor, compacted from
// the official OpenAPI v3 spec shipped in the k8s.io/kubernetes Go module,
// plus the CRD schemas of prometheus-operator's monitoring.coreos.com kinds.
//
//   tsx tools/k8s-schemas.ts            regenerate every pinned source below
//   tsx tools/k8s-schemas.ts --check    fail when the committed files differ
//
// Each data file is also compiled into validators (tools/k8s-validators.ts).
//
// Sources come from the Go module proxy (`go mod download -json`), so this
// runs offline once the modules are in the module cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import YAML from 'yaml';
import { fromCrdSchema, fromOpenApiV3, type SchemaData } from '../src/lint/schema-data.js';
import { writeValidators } from './k8s-validators.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
export const SCHEMA_DIR = path.join(REPO_ROOT, 'actions', 'lint', 'schemas');

/** Kubernetes releases with schema data: the newest patch of each supported minor. */
export const KUBERNETES_SOURCES = ['v1.36.3', 'v1.34.4'];
/** prometheus-operator release whose CRDs provide the monitoring.coreos.com schemas. */
const PROMETHEUS_OPERATOR = 'v0.85.0';
const PROMETHEUS_CRDS = ['servicemonitors', 'podmonitors', 'prometheusrules'];

function moduleDir(modulePath: string, version: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', `${modulePath}@${version}`], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const { Dir, Error: error } = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!Dir) throw new Error(`go mod download ${modulePath}@${version}: ${error ?? 'no Dir'}`);
  return Dir;
}

function kubernetesData(version: string): SchemaData {
  const dir = path.join(moduleDir('k8s.io/kubernetes', version), 'api', 'openapi-spec', 'v3');
  const documents = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as object);
  return fromOpenApiV3(documents, {
    kubernetesVersion: version.slice(1),
    source: `k8s.io/kubernetes@${version} api/openapi-spec/v3`,
  });
}

function prometheusCrds(): SchemaData {
  const dir = path.join(
    moduleDir('github.com/prometheus-operator/prometheus-operator', PROMETHEUS_OPERATOR),
    'example',
    'prometheus-operator-crd',
  );
  const crds = PROMETHEUS_CRDS.map((name) =>
    YAML.parse(readFileSync(path.join(dir, `monitoring.coreos.com_${name}.yaml`), 'utf8')),
  );
  return fromCrdSchema(crds, {
    source: `github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR} example/prometheus-operator-crd`,
  });
}

/** Stable bytes: sorted keys, gzip without a timestamp (mtime 0 is what zlib writes). */
function encode(data: SchemaData): Buffer {
  return gzipSync(JSON.stringify(data, null, 0), { level: 9 });
}

function main(): void {
  const check = process.argv.includes('--check');
  const files: Record<string, SchemaData> = {};
  for (const version of KUBERNETES_SOURCES) {
    const minor = version.slice(1).split('.').slice(0, 2).join('.');
    files[`kubernetes-${minor}.json.gz`] = kubernetesData(version);
  }
  files['crds.json.gz'] = prometheusCrds();

  mkdirSync(SCHEMA_DIR, { recursive: true });
  let stale = 0;
  for (const [name, data] of Object.entries(files)) {
    const file = path.join(SCHEMA_DIR, name);
    const bytes = encode(data);
    if (check) {
      const same =
        existsSync(file) &&
        gunzipSync(readFileSync(file)).equals(Buffer.from(JSON.stringify(data, null, 0)));
      if (!same) {
        stale++;
        console.error(`${path.relative(REPO_ROOT, file)} is out of date`);
      }
      continue;
    }
    writeFileSync(file, bytes);
    const kinds = Object.keys(data.kinds).length;
    const definitions = Object.keys(data.definitions).length;
    console.log(
      `${path.relative(REPO_ROOT, file)}: ${kinds} kinds, ${definitions} definitions, ${(bytes.length / 1024).toFixed(0)} KiB`,
    );
  }
  if (check) stale += writeValidators(true);
  else writeValidators(false); // the validators generated from the data just written
  if (stale) {
    console.error("Run 'npx tsx tools/k8s-schemas.ts' and commit the result.");
    process.exit(1);
  }
}

main();
