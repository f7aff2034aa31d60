// The helm CLI behind one small interface. Helm 3 and helm 4 differ in a few
// flags; callers say what they want and this module picks the flags.
import { runCommand, type CommandOptions, type CommandResult } from '../exec/command.js';
import { shortLivedGoEnv } from '../exec/go-runtime.js';

export type HelmMajor = 3 | 4;

export interface HelmContext {
  /** Path of the helm binary. */
  bin: string;
  major: HelmMajor;
  kubeconfig?: string;
  kubeContext?: string;
  /** Extra environment, e.g. HELM_CACHE_HOME / HELM_CONFIG_HOME under RUNNER_TEMP. */
  env?: NodeJS.ProcessEnv;
}

export type ReleaseStatus =
  | 'unknown'
  | 'deployed'
  | 'uninstalled'
  | 'superseded'
  | 'failed'
  | 'uninstalling'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback';

export interface RevisionInfo {
  revision: number;
  updated: string;
  status: ReleaseStatus;
  chart: string;
  app_version: string;
  description: string;
}

/** The part of helm's release JSON (`status -o json`, `upgrade -o json`) that is read here. */
export interface HelmRelease {
  name: string;
  namespace: string;
  version: number;
  manifest?: string;
  info: { status: ReleaseStatus; description?: string; last_deployed?: string };
  hooks?: { name: string; kind: string; manifest: string; events?: string[] }[];
}

/** Helm's major version from `helm version` (v3.x / v4.x). */
export function parseHelmMajor(version: string): HelmMajor {
  const m = /^v?(\d+)\./.exec(version.trim());
  if (m?.[1] === '3' || m?.[1] === '4') return Number(m[1]) as HelmMajor;
  throw new Error(`unsupported helm version '${version.trim()}': helm 3 or 4 is needed`);
}

export class Helm {
  constructor(readonly ctx: HelmContext) {}

  get major(): HelmMajor {
    return this.ctx.major;
  }

  /** Runs helm with the kube flags of this context. */
  run(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const kube: string[] = [];
    if (this.ctx.kubeconfig) kube.push('--kubeconfig', this.ctx.kubeconfig);
    if (this.ctx.kubeContext) kube.push('--kube-context', this.ctx.kubeContext);
    return runCommand(this.ctx.bin, [...args, ...kube], {
      ...options,
      env: shortLivedGoEnv({ ...process.env, ...this.ctx.env, ...options.env }),
    });
  }

  /** `helm version` short form, e.g. v4.3.1. */
  async version(): Promise<string> {
    const { stdout } = await this.run(['version', '--template', '{{.Version}}']);
    return stdout.trim();
  }

  /** Release history, oldest first; empty when the release does not exist. */
  async history(release: string, namespace: string, max = 256): Promise<RevisionInfo[]> {
    const result = await this.run(
      ['history', release, '-n', namespace, '--max', String(max), '-o', 'json'],
      // Unredacted, as the status below: parsed, and shown only through redacting channels.
      { allowFailure: true, rawOutput: true },
    );
    if (result.code !== 0) {
      if (/release: not found/i.test(result.stderr)) return [];
      throw new Error(`helm history ${release} failed: ${result.stderr.trim()}`);
    }
    return (JSON.parse(result.stdout || '[]') as RevisionInfo[]).sort(
      (a, b) => a.revision - b.revision,
    );
  }

  /** `helm status -o json`, undefined when the release does not exist. */
  async status(release: string, namespace: string): Promise<HelmRelease | undefined> {
    const result = await this.run(['status', release, '-n', namespace, '-o', 'json'], {
      allowFailure: true,
      rawOutput: true,
    });
    if (result.code !== 0) {
      if (/not found/i.test(result.stderr)) return undefined;
      throw new Error(`helm status ${release} failed: ${result.stderr.trim()}`);
    }
    return JSON.parse(result.stdout) as HelmRelease;
  }

  /** Rolls back to `revision`; helm 3 and 4 both accept a release that is stuck pending. */
  async rollback(
    release: string,
    namespace: string,
    revision: number,
    options: {
      historyMax: number;
      timeout: string;
      wait: boolean;
      description?: string;
      /** Stop helm after this long (cleanup after a cancellation). */
      timeoutMs?: number;
    },
  ): Promise<CommandResult> {
    const args = ['rollback', release, String(revision), '-n', namespace];
    args.push('--history-max', String(options.historyMax), '--timeout', options.timeout);
    if (options.wait) args.push(this.major === 4 ? '--wait=watcher' : '--wait');
    // helm 3 has no --description on rollback; its own "Rollback to N" is kept.
    if (options.description && this.major === 4) {
      args.push('--description', options.description.slice(0, 256));
    }
    // helm rollback does not handle signals: cut short, it leaves the release pending-rollback.
    return this.run(args, { onCancel: 'finish', timeoutMs: options.timeoutMs });
  }

  async uninstall(
    release: string,
    namespace: string,
    options: { timeout: string; wait: boolean },
  ): Promise<CommandResult> {
    const args = ['uninstall', release, '-n', namespace, '--timeout', options.timeout];
    if (options.wait) args.push(this.major === 4 ? '--wait=watcher' : '--wait');
    return this.run(args, { onCancel: 'finish' });
  }

  /** The manifest helm recorded for a revision (the latest when unset). */
  async manifest(release: string, namespace: string, revision?: number): Promise<string> {
    const args = ['get', 'manifest', release, '-n', namespace];
    if (revision !== undefined) args.push('--revision', String(revision));
    // Unredacted: a masked secret would corrupt the YAML. Callers redact what they show.
    return (await this.run(args, { rawOutput: true })).stdout;
  }
}
