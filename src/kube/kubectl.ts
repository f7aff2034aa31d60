// kubectl behind one small interface: every call goes through runCommand
// (argv, redacted output) with the kubeconfig/context of this deploy, or,
// for the reads repeated through a deploy, through the deploy's kubectl
// proxy when one is serving (api-proxy.ts), with the same results.
import { runCommand, type CommandOptions, type CommandResult } from '../exec/command.js';
import { shortLivedGoEnv } from '../exec/go-runtime.js';
import { ApiProxy, ProxyUnavailable } from './api-proxy.js';
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

/**
 * The API path of the namespaced collections read through the proxy, by the
 * type kubectl is given. Only built-in kinds of a fixed group and version:
 * anything else (custom resources) needs discovery, which kubectl does.
 */
const COLLECTIONS: Record<string, string> = {
  pods: 'api/v1/pods',
  events: 'api/v1/events',
  secret: 'api/v1/secrets',
  configmap: 'api/v1/configmaps',
  'deployments.apps': 'apis/apps/v1/deployments',
  'statefulsets.apps': 'apis/apps/v1/statefulsets',
  'daemonsets.apps': 'apis/apps/v1/daemonsets',
  'replicasets.apps': 'apis/apps/v1/replicasets',
  'controllerrevisions.apps': 'apis/apps/v1/controllerrevisions',
  'jobs.batch': 'apis/batch/v1/jobs',
  'cronjobs.batch': 'apis/batch/v1/cronjobs',
};

/** `/apis/apps/v1/namespaces/<ns>/deployments`, or undefined for a type not in COLLECTIONS. */
export function collectionPath(type: string, namespace: string): string | undefined {
  const known = COLLECTIONS[type];
  if (!known) return undefined;
  const cut = known.lastIndexOf('/');
  return `/${known.slice(0, cut)}/namespaces/${encodeURIComponent(namespace)}${known.slice(cut)}`;
}

/** `?name=value&...` of the parameters given a value, encoded for the API server. */
export function apiQuery(params: Record<string, string | undefined>): string {
  const given = Object.entries(params).filter((e): e is [string, string] => !!e[1]);
  return given.length ? `?${new URLSearchParams(given).toString()}` : '';
}

interface ApiList {
  apiVersion: string;
  kind: string;
  items: KubeObject[] | null;
}

export class Kubectl {
  private proxy?: ApiProxy;
  private starting?: Promise<void>;
  private closed = false;

  constructor(readonly target: KubeTarget) {}

  /**
   * Starts a kubectl proxy (a private socket under `dir`) in the background:
   * reads go through it once it serves, through kubectl processes until then.
   */
  startProxy(dir: string, log?: (line: string) => void): void {
    this.starting ??= ApiProxy.start(this.target, dir, log).then(async (proxy) => {
      if (this.closed) await proxy?.close();
      else this.proxy = proxy;
    });
  }

  /** The proxy reads go through, once started and while it serves. */
  async proxyInUse(): Promise<ApiProxy | undefined> {
    await this.starting;
    return this.proxy?.usable ? this.proxy : undefined;
  }

  /** Stops the proxy, if one was started. */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await this.proxy?.close();
    this.proxy = undefined;
  }

  /**
   * `through` when the proxy serves and can answer; the kubectl process
   * `otherwise` when it cannot (not started, gone meanwhile).
   */
  private async viaProxy<T>(
    through: ((proxy: ApiProxy) => Promise<T>) | undefined,
    otherwise: () => Promise<T>,
  ): Promise<T> {
    const proxy = this.proxy;
    if (!through || !proxy?.usable) return otherwise();
    try {
      return await through(proxy);
    } catch (error) {
      if (error instanceof ProxyUnavailable) return otherwise();
      throw error;
    }
  }

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
    const paths = kinds.split(',').map((type) => collectionPath(type, namespace));
    const query = apiQuery({ labelSelector: selector });
    const through = paths.every((p) => p !== undefined)
      ? async (proxy: ApiProxy) =>
          (await Promise.all(paths.map((p) => proxy.get<ApiList>(`${p}${query}`)))).flatMap(
            listItems,
          )
      : undefined;
    return this.viaProxy(through, () => this.listWithKubectl(kinds, namespace, selector));
  }

  private async listWithKubectl(
    kinds: string,
    namespace: string,
    selector?: string,
  ): Promise<KubeObject[]> {
    const args = ['get', kinds, '-n', namespace, '-o', 'json'];
    if (selector) args.push('-l', selector);
    const { stdout } = await this.run(args, { timeoutMs: 30_000, rawOutput: true });
    return (JSON.parse(stdout) as { items: KubeObject[] }).items;
  }

  /**
   * Calls `onChange` whenever an object of `types` in `namespace` (matching
   * `selector`) changes, through watches on the proxy: nothing without one,
   * or for types outside COLLECTIONS. Returns what stops them.
   */
  async followChanges(
    types: readonly string[],
    namespace: string,
    selector: string | undefined,
    onChange: () => void,
  ): Promise<() => void> {
    const proxy = this.proxy;
    if (!proxy?.usable) return () => {};
    const stops = await Promise.all(
      types.map(async (type) => {
        const collection = collectionPath(type, namespace);
        if (!collection) return () => {};
        // From the collection's version now: a watch without one first
        // replays every object there as added.
        const now = await proxy
          .get<{ metadata?: { resourceVersion?: string } }>(
            `${collection}${apiQuery({ limit: '1', labelSelector: selector })}`,
          )
          .catch(() => undefined);
        const version = now?.metadata?.resourceVersion;
        if (!version) return () => {};
        return proxy.follow(
          `${collection}${apiQuery({ watch: '1', resourceVersion: version, labelSelector: selector })}`,
          onChange,
        );
      }),
    );
    return () => stops.forEach((stop) => stop());
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
    const field = `involvedObject.name=${name}`;
    const items = await this.viaProxy(
      (proxy) =>
        proxy
          .get<{ items: KubeEvent[] | null }>(
            `${collectionPath('events', namespace)}${apiQuery({ fieldSelector: field })}`,
          )
          .then(
            (list) => list.items ?? [],
            (error: unknown) => (error instanceof ProxyUnavailable ? Promise.reject(error) : []),
          ),
      async () => {
        const result = await this.run(
          ['get', 'events', '-n', namespace, '--field-selector', field, '-o', 'json'],
          { allowFailure: true, timeoutMs: 30_000, rawOutput: true },
        );
        if (result.code !== 0) return [];
        return (JSON.parse(result.stdout) as { items: KubeEvent[] }).items;
      },
    );
    return items.sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
  }

  /**
   * The labels of each object of a type in COLLECTIONS that `selector`
   * matches: the objects' metadata only, never their data.
   */
  async labelsOf(
    type: string,
    namespace: string,
    selector: string,
  ): Promise<Record<string, string>[]> {
    const collection = collectionPath(type, namespace);
    if (!collection) throw new Error(`labelsOf: ${type} is not a known collection`);
    return this.viaProxy(
      async (proxy) => {
        const list = await proxy.get<{ items: KubeObject[] | null }>(
          `${collection}${apiQuery({ labelSelector: selector })}`,
          'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
        );
        return (list.items ?? []).map((item) => item.metadata.labels ?? {});
      },
      async () => {
        // Unredacted: a secret that is also a word of the labels (a status) would mask it.
        const { stdout } = await this.run(
          ['get', type, '-n', namespace, '-l', selector, '--show-labels', '--no-headers'],
          { timeoutMs: 30_000, rawOutput: true },
        );
        return parseLabelsColumn(stdout);
      },
    );
  }

  /**
   * Sets the label `key` of one object of a type in COLLECTIONS to `value`,
   * or removes it (`undefined`), overwriting what is there.
   */
  async setLabel(
    type: string,
    namespace: string,
    name: string,
    key: string,
    value: string | undefined,
  ): Promise<void> {
    const collection = collectionPath(type, namespace);
    if (!collection) throw new Error(`setLabel: ${type} is not a known collection`);
    await this.viaProxy(
      (proxy) =>
        proxy.mergePatch(`${collection}/${encodeURIComponent(name)}`, {
          metadata: { labels: { [key]: value ?? null } },
        }),
      () =>
        this.run(
          [
            'label',
            type,
            name,
            '-n',
            namespace,
            value === undefined ? `${key}-` : `${key}=${value}`,
            '--overwrite',
          ],
          { timeoutMs: 30_000 },
        ),
    );
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

/**
 * The labels of each row of `kubectl get --show-labels --no-headers`: the
 * last column, `k=v,k=v` (`<none>` without labels). Label keys and values
 * cannot hold a space, a comma or an equals sign, so the split is exact. Pure.
 */
export function parseLabelsColumn(table: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const line of table.split('\n')) {
    const column = line.trim().split(/\s+/).at(-1);
    if (!column) continue;
    const labels: Record<string, string> = {};
    if (column !== '<none>') {
      for (const pair of column.split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) labels[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    rows.push(labels);
  }
  return rows;
}

/** A list's items with the kind and apiVersion kubectl would print on each. */
function listItems(list: ApiList): KubeObject[] {
  const kind = list.kind.replace(/List$/, '');
  // An empty list's items can come back null.
  return (list.items ?? []).map((item) => ({ ...item, apiVersion: list.apiVersion, kind }));
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
