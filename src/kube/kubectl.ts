// kubectl behind one small interface: every call goes through runCommand
// (argv, redacted output) with the kubeconfig/context of this deploy.
import { runCommand, type CommandOptions, type CommandResult } from '../exec/command.js';
import { shortLivedGoEnv } from '../exec/go-runtime.js';
import { kubeFlags, type KubeTarget } from './kube-target.js';

export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  // Kubernetes objects are open-ended; callers read the fields they know.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
}

export class Kubectl {
  constructor(readonly target: KubeTarget) {}

  run(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    return runCommand(this.target.kubectl, [...kubeFlags(this.target), ...args], {
      ...options,
      env: shortLivedGoEnv(options.env ?? process.env),
    });
  }

  /**
   * `kubectl get <kinds> -o json` as a list of objects. Read unredacted, as
   * every object read below: a secret value that is also a word of the
   * objects (`app` in `apps/v1`, a name) masked in them would make the
   * release's objects unrecognisable. What is shown of them is redacted
   * where it is shown (the action's and the CLI's output channels).
   */
  async list(kinds: string, namespace: string, selector?: string): Promise<KubeObject[]> {
    const args = ['get', kinds, '-n', namespace, '-o', 'json'];
    if (selector) args.push('-l', selector);
    const { stdout } = await this.run(args, { timeoutMs: 30_000, rawOutput: true });
    return (JSON.parse(stdout) as { items: KubeObject[] }).items;
  }

  /**
   * Named objects (`deployment.v1.apps/web`, `pod/p`) in one call; objects
   * that do not exist are left out rather than failing the call.
   */
  async getNamed(resources: readonly string[], namespace?: string): Promise<KubeObject[]> {
    const args = ['get', ...resources, '--ignore-not-found', '-o', 'json'];
    if (namespace) args.push('-n', namespace);
    const { stdout } = await this.run(args, { timeoutMs: 30_000, rawOutput: true });
    if (stdout.trim() === '') return [];
    // One object comes back as itself, several as a List.
    const parsed = JSON.parse(stdout) as KubeObject & { items?: KubeObject[] };
    return parsed.kind === 'List' ? (parsed.items ?? []) : [parsed];
  }

  /** Deletes pods without waiting for them to go (their controller replaces them). */
  async deletePods(namespace: string, names: readonly string[]): Promise<void> {
    await this.run(
      ['delete', 'pod', ...names, '-n', namespace, '--ignore-not-found', '--wait=false'],
      {
        timeoutMs: 30_000,
      },
    );
  }

  /** Suspends a Job: its running pods are stopped and no new attempt starts. */
  async suspendJob(namespace: string, name: string): Promise<void> {
    await this.run(
      [
        'patch',
        'job.batch',
        name,
        '-n',
        namespace,
        '--type=merge',
        '-p',
        '{"spec":{"suspend":true}}',
      ],
      { timeoutMs: 30_000 },
    );
  }

  /** Deletes a Job and, in the background, its pods. */
  async deleteJob(namespace: string, name: string): Promise<void> {
    await this.run(
      [
        'delete',
        'job.batch',
        name,
        '-n',
        namespace,
        '--ignore-not-found',
        '--cascade=background',
        '--wait=false',
      ],
      { timeoutMs: 30_000 },
    );
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    const result = await this.run(['get', 'namespace', namespace, '-o', 'name'], {
      allowFailure: true,
      timeoutMs: 30_000,
    });
    if (result.code === 0) return true;
    if (/NotFound/i.test(result.stderr)) return false;
    throw new Error(`kubectl get namespace ${namespace} failed: ${result.stderr.trim()}`);
  }

  /** Events about one object, oldest first. */
  async events(namespace: string, name: string): Promise<KubeEvent[]> {
    const result = await this.run(
      [
        'get',
        'events',
        '-n',
        namespace,
        '--field-selector',
        `involvedObject.name=${name}`,
        '-o',
        'json',
      ],
      { allowFailure: true, timeoutMs: 30_000, rawOutput: true },
    );
    if (result.code !== 0) return [];
    const items = (JSON.parse(result.stdout) as { items: KubeEvent[] }).items;
    return items.sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
  }

  /** The last lines a container logged; undefined when the cluster has none (kwok, never started). */
  async logs(
    namespace: string,
    pod: string,
    container: string,
    lines: number,
    previous = false,
  ): Promise<string | undefined> {
    const args = ['logs', pod, '-n', namespace, '-c', container, '--tail', String(lines)];
    if (previous) args.push('--previous');
    const result = await this.run(args, { allowFailure: true, timeoutMs: 20_000 });
    return result.code === 0 ? result.stdout : undefined;
  }
}

export interface KubeEvent {
  type?: string;
  involvedObject?: { kind?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  metadata?: { creationTimestamp?: string };
}

export function eventTime(e: KubeEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';
}
