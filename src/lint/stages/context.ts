// What every stage of one values set works with: the set, its helm calls and
// where findings point. Stages return findings without the set's name; the
// set adds it once (lint-set.ts).
import type { Helm } from '../../helm/helm.js';
import type { RenderRequest } from '../../helm/render.js';
import type { Finding } from '../findings.js';
import type { HelmFinding } from '../helm-messages.js';
import type { Limiter } from '../limiter.js';
import type { Locator } from '../locate.js';
import type { ValuesSet } from '../plan.js';
import { stableApiVersions, type SchemaData } from '../schema-data.js';
import { defaultReleaseName, type LintSettings } from '../settings.js';

export type StageFinding = Omit<Finding, 'set'>;

/** One Kubernetes version the chart is rendered and validated for. */
export interface Target {
  /** `1.36` */
  minor: string;
  /** Full version passed to helm, e.g. `1.36.3`. */
  version: string;
  data: SchemaData;
}

/** What starting the helm calls of a set needs. */
export interface HelmRun {
  set: ValuesSet;
  settings: LintSettings;
  helm: Helm;
  /** Bounds the helm processes of all sets together. */
  limit: Limiter;
}

export interface SetRun extends HelmRun {
  locator: Locator;
  /** Where this run writes rendered manifests. */
  outputDir: string;
}

const servedApiVersions = new WeakMap<SchemaData, string[]>();

/**
 * What helm is told the target serves: its stable built-in API versions (helm
 * template knows only client-go's, without `apiregistration.k8s.io/v1` or any
 * `group/version/Kind`, so `.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget"`
 * picks what no cluster of the target serves), then the api-versions input.
 */
function apiVersionsOf(target: Target, extra: readonly string[]): string[] {
  let served = servedApiVersions.get(target.data);
  if (!served) servedApiVersions.set(target.data, (served = stableApiVersions(target.data)));
  return [...served, ...extra];
}

export function renderRequest(run: HelmRun, target: Target): RenderRequest {
  const { settings } = run;
  return {
    chart: settings.chartDir,
    valuesFiles: run.set.files,
    kubeVersion: target.version,
    apiVersions: apiVersionsOf(target, settings.apiVersions),
    release: settings.release ?? defaultReleaseName(settings.chartDir),
    namespace: settings.namespace,
  };
}

/** A finding helm reported, at the file and line its place resolves to. */
export function helmFinding(
  locator: Locator,
  check: Finding['check'],
  title: string,
  f: HelmFinding,
): StageFinding {
  const at = locator.place(f.place);
  return {
    check,
    severity: f.severity,
    title,
    message: f.message,
    file: at.file,
    line: at.line,
    ...(at.column ? { column: at.column } : {}),
  };
}
