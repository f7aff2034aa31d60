// Stage 3, render: `helm template` for one target version, the manifest
// written for the `manifests` output, and its documents parsed into the
// objects the schema and policy stages look at.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseRenderedDocuments } from '../yaml-documents.js';
import { helmTemplate, splitManifest, type TemplateResult } from '../../helm/render.js';
import { helmErrorFindings } from '../helm-messages.js';
import type { RenderedObject } from '../policies.js';
import { nameOf } from '../rules/objects.js';
import {
  helmFinding,
  renderRequest,
  type HelmRun,
  type SetRun,
  type StageFinding,
  type Target,
} from './context.js';

export interface RenderOutcome {
  target: Target;
  ok: boolean;
  /** The rendered manifest file, when helm rendered one. */
  manifest?: string;
  objects: RenderedObject[];
  findings: StageFinding[];
}

export function renderTitle(target: Target): string {
  return `helm template (Kubernetes ${target.minor})`;
}

function writeManifest(run: SetRun, target: Target, manifest: string): string {
  const dir = path.join(run.outputDir, run.set.name.replace(/[^A-Za-z0-9._-]/g, '_'));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `kubernetes-${target.minor}.yaml`);
  // Rendered Secrets carry their data: readable by the runner user only.
  writeFileSync(file, manifest, { mode: 0o600 });
  return file;
}

/**
 * The objects a document stands for: the items of a list (`kind: List`,
 * `ServiceList`), the document itself otherwise. helm applies a list item by
 * item (its resource builder flattens them, as kubectl does), and no API
 * server serves a list kind: the items are what the schema and the policy
 * check.
 */
export function listItems(object: Record<string, unknown>): Record<string, unknown>[] {
  if (!String(object.kind).endsWith('List') || !Array.isArray(object.items)) return [object];
  return object.items.filter(
    (item): item is Record<string, unknown> =>
      item !== null && typeof item === 'object' && !Array.isArray(item),
  );
}

function parseObjects(run: SetRun, title: string, manifest: string) {
  const objects: RenderedObject[] = [];
  const findings: StageFinding[] = [];
  // Objects of each kind per template so far: which of a template's documents rendered an object.
  const seen = new Map<string, number>();
  for (const doc of splitManifest(manifest)) {
    try {
      const { values, duplicates } = parseRenderedDocuments(doc.text);
      const named: string[] = [];
      for (const value of values) {
        if (value === null || value === undefined) continue;
        for (const object of listItems(value as Record<string, unknown>)) {
          const key = `${doc.source}\u0000${String(object.kind)}`;
          const kindIndex = seen.get(key) ?? 0;
          seen.set(key, kindIndex + 1);
          const rendered = { doc: object, source: doc.source, kindIndex };
          objects.push(rendered);
          named.push(nameOf(rendered));
        }
      }
      // helm applies such an object with the key's last value: the first is lost, silently.
      for (const field of duplicates) {
        const at = run.locator.templateField(doc.source, field);
        findings.push({
          check: 'helm template',
          severity: 'warning',
          title,
          message: `${named.join(', ') || doc.source} ${field.join('.')}: set twice in one mapping of the rendered YAML; Kubernetes gets only the last value`,
          file: at.file,
          line: at.line,
        });
      }
    } catch (error) {
      const at = run.locator.place({ kind: 'template', source: doc.source });
      findings.push({
        check: 'helm template',
        severity: 'error',
        title,
        message: `${doc.source}: rendered YAML does not parse: ${(error as Error).message.split('\n')[0]}`,
        file: at.file,
        line: at.line,
      });
    }
  }
  return { objects, findings };
}

/** Starts `helm template` for one target (in the shared pool of helm processes). */
export function startRender(run: HelmRun, target: Target): Promise<TemplateResult> {
  return run.limit(() => helmTemplate(run.helm, renderRequest(run, target)));
}

/** The outcome of a `helm template` started by startRender, once it is there. */
export function renderStage(run: SetRun, target: Target, result: TemplateResult): RenderOutcome {
  const title = renderTitle(target);
  if (!result.ok) {
    const findings = helmErrorFindings(result.error ?? 'helm template failed').map((f) =>
      helmFinding(run.locator, 'helm template', title, f),
    );
    return { target, ok: false, objects: [], findings };
  }
  const manifest = writeManifest(run, target, result.manifest);
  return { target, ok: true, manifest, ...parseObjects(run, title, result.manifest) };
}
