// Stage 2, helm lint: once per set, for the newest target version; its
// messages become findings at the values key, template or chart file they
// name.
import { helmLint, type LintResult } from '../../helm/render.js';
import { helmErrorFindings, lintFindings } from '../helm-messages.js';
import type { RenderedObject } from '../policies.js';
import {
  helmFinding,
  renderRequest,
  type HelmRun,
  type SetRun,
  type StageFinding,
  type Target,
} from './context.js';

/** Starts `helm lint` (in the shared pool of helm processes). */
export function startHelmLint(run: HelmRun, newest: Target): Promise<LintResult> {
  const { strict } = run.settings;
  return run.limit(() => helmLint(run.helm, renderRequest(run, newest), { strict }));
}

/** The findings of a `helm lint` started by startHelmLint. */
export async function helmLintStage(
  run: SetRun,
  started: Promise<LintResult>,
): Promise<StageFinding[]> {
  const { strict } = run.settings;
  const result = await started;
  const finding = (f: Parameters<typeof helmFinding>[3]) =>
    helmFinding(run.locator, 'helm lint', 'helm lint', f);
  const findings = lintFindings(result.messages).map((f) =>
    finding({ ...f, severity: strict ? 'error' : f.severity }),
  );
  if (result.error) findings.push(...helmErrorFindings(result.error).map(finding));
  if (!result.ok && !findings.length) {
    findings.push(
      finding({
        severity: 'error',
        message: 'helm lint failed without a message',
        place: { kind: 'chart-file', path: 'Chart.yaml' },
      }),
    );
  }
  return findings;
}

// `templates/pdb.yaml: policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; …`
const DEPRECATED = /^(\S+): (\S+) (\S+) is deprecated in v/;

/**
 * helm lint has no --api-versions: it renders a chart that picks its
 * apiVersion with `.Capabilities.APIVersions.Has` without the versions a
 * cluster serves, and finds the old one deprecated. Where helm template,
 * told them, rendered that template without the deprecated version, the
 * cluster gets what it rendered: the message is dropped.
 */
export function withoutUnrenderedDeprecations(
  findings: StageFinding[],
  rendered: readonly RenderedObject[] | undefined,
): StageFinding[] {
  if (!rendered) return findings;
  return findings.filter((f) => {
    const match = DEPRECATED.exec(f.message);
    if (!match) return true;
    const [, template, apiVersion, kind] = match;
    const objects = rendered.filter((o) => o.source.split('/').slice(1).join('/') === template);
    return (
      !objects.length || objects.some((o) => o.doc.apiVersion === apiVersion && o.doc.kind === kind)
    );
  });
}
