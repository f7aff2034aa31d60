// The Docker engine the container tests run on: started (or found) by
// scripts/docker-engine.sh, which also provides the offline base image.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';

export const BASE_IMAGE = 'hotswap-local/debian:bookworm';
const ENGINE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'docker-engine.sh');

/** Starts the engine when none answers (seconds when warm, about 75 s cold). */
export function engineUp(): void {
  execFileSync('bash', [ENGINE_SCRIPT, 'up'], { stdio: 'inherit', timeout: 15 * 60_000 });
}

/** Runs docker and returns its trimmed stdout; throws with docker's stderr on failure. */
export function docker(args: string[], timeoutMs = 120_000): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  }).trim();
}

/** Names (or ids) listed by `docker <kind> ls` with a filter, e.g. ('container', 'label=x'). */
export function listed(kind: 'container' | 'volume' | 'network', filter: string): string[] {
  const args =
    kind === 'container'
      ? ['container', 'ls', '--all', '--filter', filter, '--format', '{{.Names}}']
      : [kind, 'ls', '--filter', filter, '--format', '{{.Name}}'];
  return docker(args).split('\n').filter(Boolean);
}

/** The offline kind node image archive (built cold in about half an hour, loaded warm in seconds). */
export function nodeImageArchive(): string {
  return execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'kind-node-image.sh'), 'archive'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 90 * 60_000,
  }).trim();
}

/** What scripts/chart-images.sh builds: chart/hotswap's images and the public applications of the kind tests. */
const CHART_IMAGES = [
  'api',
  'postgresql',
  'curl',
  'alertmanager',
  'nodeExporter',
  'kubeStateMetrics',
  'metricsServer',
] as const;
export type ChartImages = Record<(typeof CHART_IMAGES)[number], string>;

/** Images built locally (scripts/chart-images.sh), by name. */
export function chartImages(): ChartImages {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'chart-images.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 30 * 60_000,
  });
  const printed = new Map(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
  const images = {} as ChartImages;
  for (const name of CHART_IMAGES) {
    const image = printed.get(name);
    if (!image) throw new Error(`scripts/chart-images.sh printed no ${name}= line:\n${out}`);
    images[name] = image;
  }
  return images;
}

/** Splits `repo:tag` at the last colon. */
export function splitImage(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}
