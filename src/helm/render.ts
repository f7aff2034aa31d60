// `helm lint` and `helm template` for one values set, with their output
// parsed: lint messages by severity and file, rendered documents by the
// template that produced them (`# Source: <chart>/templates/x.yaml`).
import type { Helm } from './helm.js';

export interface RenderRequest {
  /** Chart directory. */
  chart: string;
  /** Values files, lowest precedence first (as helm applies repeated -f). */
  valuesFiles: readonly string[];
  /** Full Kubernetes version for .Capabilities.KubeVersion, e.g. 1.36.3. */
  kubeVersion?: string;
  /** Extra API versions for .Capabilities.APIVersions (e.g. monitoring.coreos.com/v1). */
  apiVersions?: readonly string[];
  release: string;
  namespace: string;
}

export type LintSeverity = 'INFO' | 'WARNING' | 'ERROR';

export interface LintMessage {
  severity: LintSeverity;
  /** Path relative to the chart as helm prints it (`values.yaml`, `templates/`, `Chart.yaml`). */
  path: string;
  message: string;
}

export interface LintResult {
  /** helm's own verdict (exit code 0). */
  ok: boolean;
  messages: LintMessage[];
  /** An `Error:` helm printed that is not one of the messages (e.g. a values file it could not read). */
  error?: string;
}

export interface TemplateResult {
  ok: boolean;
  manifest: string;
  error?: string;
}

export interface RenderedDocument {
  /** `<chart>/templates/x.yaml` as in the `# Source:` comment; '' when absent. */
  source: string;
  text: string;
}

function valuesArgs(request: RenderRequest): string[] {
  const args = request.valuesFiles.flatMap((file) => ['--values', file]);
  if (request.kubeVersion) args.push('--kube-version', request.kubeVersion);
  return args;
}

export async function helmLint(
  helm: Helm,
  request: RenderRequest,
  options: { strict: boolean },
): Promise<LintResult> {
  const args = ['lint', request.chart, ...valuesArgs(request), '--namespace', request.namespace];
  if (options.strict) args.push('--strict');
  const result = await helm.run(args, { allowFailure: true });
  const messages = parseLintOutput(result.stdout);
  // helm ends a failed lint with `Error: N chart(s) linted, M chart(s) failed`; only
  // another error (one the messages do not carry) is worth reporting.
  const error = result.code === 0 ? undefined : errorLine(result.stderr);
  const extra = error && !/^\d+ chart\(s\) linted/.test(error) ? error : undefined;
  return { ok: result.code === 0, messages, ...(extra ? { error: extra } : {}) };
}

function templateArgs(request: RenderRequest): string[] {
  return [
    'template',
    request.release,
    request.chart,
    ...valuesArgs(request),
    '--namespace',
    request.namespace,
    ...(request.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
  ];
}

export async function helmTemplate(helm: Helm, request: RenderRequest): Promise<TemplateResult> {
  const result = await helm.run(templateArgs(request), { allowFailure: true });
  if (result.code === 0) return { ok: true, manifest: result.stdout };
  return {
    ok: false,
    manifest: result.stdout,
    error: errorLine(result.stderr) ?? `helm template exited with code ${result.code}`,
  };
}

/**
 * What `helm template --debug` prints on stdout: the rendered templates, one
 * that does not parse as YAML among them as it rendered (without --debug helm
 * names only the line of its document). Rendered Secrets are in it: for
 * reading, never for a log.
 */
export async function helmTemplateDebug(helm: Helm, request: RenderRequest): Promise<string> {
  return (await helm.run([...templateArgs(request), '--debug'], { allowFailure: true })).stdout;
}

/** The text after `Error: ` (may span lines), without helm's `--debug` advice. */
function errorLine(stderr: string): string | undefined {
  const at = stderr.indexOf('Error: ');
  // Without `Error: ` stderr holds only log lines (e.g. helm 4's level=INFO).
  if (at < 0) return stderr.replace(/^level=\w+ .*$/gm, '').trim() || undefined;
  return stderr
    .slice(at + 'Error: '.length)
    .replace(/\n*Use --debug flag to render out invalid YAML\s*$/, '')
    .trim();
}

const LINT_LINE = /^\[(INFO|WARNING|ERROR)\] ([^:]*): ?(.*)$/;

/**
 * `[SEVERITY] path: message` lines; a message continues on the following
 * lines until the next one (values schema errors are listed that way).
 */
export function parseLintOutput(stdout: string): LintMessage[] {
  const messages: LintMessage[] = [];
  let current: LintMessage | undefined;
  for (const line of stdout.split('\n')) {
    const match = LINT_LINE.exec(line);
    if (match) {
      current = { severity: match[1] as LintSeverity, path: match[2]!, message: match[3]! };
      messages.push(current);
    } else if (/^==> Linting |^\d+ chart\(s\) linted|^Error: /.test(line)) {
      current = undefined;
    } else if (current && line.trim()) {
      current.message += `\n${line}`;
    }
  }
  return messages;
}

/** Splits `helm template` output into its documents. */
export function splitManifest(manifest: string): RenderedDocument[] {
  return manifest
    .split(/^---[ \t]*$/m)
    .map((chunk) => {
      const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim() ?? '';
      return { source, text: chunk.replace(/^\n+/, '') };
    })
    .filter((doc) => doc.text.replace(/^#.*$/gm, '').trim() !== '');
}
