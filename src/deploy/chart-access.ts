// How helm reaches the chart for this run: a directory or .tgz in the
// workspace as it is; an OCI registry after a login, or a chart repository
// after `helm repo add`, both in a private helm config under RUNNER_TEMP that
// is removed afterwards (nothing lands in the runner's own helm config). Set
// up before anything in the cluster changes: a repository that cannot be
// reached stops the deploy there. Credentials go through stdin, never argv.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CommandError } from '../exec/command.js';
import { failureReason } from '../helm/chart-dependencies.js';
import type { Helm } from '../helm/helm.js';
import { redact } from '../secrets/redact.js';
import { writeSecretValuesFile } from './secret-values.js';
import type { DeploySettings } from './settings.js';

/** What helm needs to reach the chart and the secret values, for this run only. */
export interface ChartAccess {
  chartRef: string;
  secretValuesFile?: string;
  env: Record<string, string>;
}

/** The name the chart repository gets in this run's own repository config. */
const REPOSITORY_NAME = 'hotswap-chart-repository';

/**
 * The secret values file and, for a chart from a registry or a chart
 * repository, a private helm config under RUNNER_TEMP for this run only
 * (registry login, or the repository added with its index); removed
 * afterwards. Credentials go through stdin, never argv.
 */
export async function withChartAccess<T>(
  s: DeploySettings,
  deps: { helm: Helm; tempDir: string; log: (line: string) => void },
  body: (access: ChartAccess) => Promise<T>,
): Promise<T> {
  const { helm, log } = deps;
  const chart = s.chart;
  const secretFile = s.secretValues
    ? writeSecretValuesFile(s.secretValues, deps.tempDir)
    : undefined;
  const configDir =
    chart.kind === 'local' ? undefined : mkdtempSync(path.join(deps.tempDir, 'hotswap-charts-'));
  const env: Record<string, string> = configDir
    ? {
        HELM_REGISTRY_CONFIG: path.join(configDir, 'registry.json'),
        HELM_REPOSITORY_CONFIG: path.join(configDir, 'repositories.yaml'),
        HELM_REPOSITORY_CACHE: path.join(configDir, 'cache'),
      }
    : {};
  const credentials = (args: string[], username: string) =>
    username ? [...args, '--username', username, '--password-stdin'] : args;
  try {
    let chartRef: string;
    if (chart.kind === 'oci') {
      if (chart.username) {
        const host = new URL(chart.ref.replace(/^oci:/, 'https:')).host;
        log(`Logging in to ${host} as ${chart.username}`);
        const login = credentials(['registry', 'login', host], chart.username);
        if (chart.plainHttp) login.push(helm.major === 4 ? '--plain-http' : '--insecure');
        await helm.run(login, { input: chart.password, env });
      }
      chartRef = chart.ref;
    } else if (chart.kind === 'repository') {
      log(`Adding chart repository ${chart.url}${chart.username ? ` as ${chart.username}` : ''}`);
      const add = credentials(['repo', 'add', REPOSITORY_NAME, chart.url], chart.username);
      await helm.run(add, { input: chart.password || undefined, env }).catch((error: unknown) => {
        throw chartRepositoryError(chart.url, error);
      });
      chartRef = `${REPOSITORY_NAME}/${chart.name}`;
    } else chartRef = chart.path;
    return await body({ chartRef, secretValuesFile: secretFile?.path, env });
  } finally {
    secretFile?.remove();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  }
}

/** helm's reason a chart repository could not be added: the deploy stops before any change. */
function chartRepositoryError(url: string, error: unknown): unknown {
  if (!(error instanceof CommandError)) return error;
  const reason = failureReason(`${error.result.stdout}\n${error.result.stderr}`);
  return new Error(
    `chart-repository ${url}: helm repo add failed: ${redact(reason)}. Nothing in the cluster was changed.`,
  );
}
