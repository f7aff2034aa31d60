// Stage 2, helm lint: once per set, for the newest target version; its
// messages become findings at the values key, template or chart file they
// name.
import { helmLint } from '../../helm/render.js';
import { helmErrorFindings, lintFindings } from '../helm-messages.js';
import {
  helmFinding,
  renderRequest,
  type SetRun,
  type StageFinding,
  type Target,
} from './context.js';

export async function helmLintStage(run: SetRun, newest: Target): Promise<StageFinding[]> {
  const { strict } = run.settings;
  const result = await run.limit(() => helmLint(run.helm, renderRequest(run, newest), { strict }));
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
