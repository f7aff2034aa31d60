// The helm CLI behind one small interface. Helm 3 and helm 4 differ in a few
// flags; callers say what they want and this module picks the flags.
import { runCommand, type CommandOptions, type CommandResult } from '../exec/command.js';

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
      env: { ...process.env, ...this.ctx.env, ...options.env },
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
      {
        allowFailure: true,
      },
    );
    if (result.code !== 0) {
      if (/release: not found/i.test(result.stderr)) return [];
      throw new Error(`helm history ${release} failed: ${result.stderr.trim()}`);
    }
    return (JSON.parse(result.stdout || '[]') as RevisionInfo[]).sort(
      (a, b) => a.revision - b.revision,
    );
  }

  /** The manifest helm recorded for a revision (the latest when unset). */
  async manifest(release: string, namespace: string, revision?: number): Promise<string> {
    const args = ['get', 'manifest', release, '-n', namespace];
    if (revision !== undefined) args.push('--revision', String(revision));
    return (await this.run(args)).stdout;
  }
}
