// Where the checks run from: the runner (url), a kubectl port-forward to the
// Service, or a curl Pod inside the cluster. Opening a target gives the base
// URLs and the curl transport; closing it stops what it started.
import { localCurl, type CurlTransport } from '../http/curl.js';
import { startCurlPod, type CurlPod } from '../kube/curl-pod.js';
import type { KubeTarget } from '../kube/kube-target.js';
import { startPortForward, type PortForward } from '../kube/kubectl-port-forward.js';

export interface ServiceRef {
  namespace: string;
  service: string;
  port: number;
  metricsPort: number;
  scheme: 'http' | 'https';
}

export type SmokeTarget =
  | { kind: 'url'; url: string; metricsUrl: string }
  | ({ kind: 'port-forward' } & ServiceRef)
  | ({ kind: 'pod'; image: string } & ServiceRef);

export interface TargetEnvironment {
  curl: string;
  /** Needed by the port-forward and pod targets. */
  kube?: KubeTarget;
  /** Where secret curl configs are written (RUNNER_TEMP). */
  tempDir: string;
  log?: (line: string) => void;
}

export interface OpenTarget {
  description: string;
  healthBase: string;
  metricsBase: string;
  transport: CurlTransport;
  close(): Promise<void>;
}

/**
 * Joins a base URL (which may carry a path prefix) and an endpoint path; a
 * query on the endpoint (/readyz?verbose) replaces one on the base.
 */
export function joinUrl(base: string, endpoint: string): string {
  const url = new URL(base);
  const [path = '', query] = endpoint.split(/\?(.*)/s);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  if (query !== undefined) url.search = query;
  return url.toString();
}

/** The metrics URL of a base URL: same scheme and host, the metrics port. */
export function withPort(base: string, port: number): string {
  const url = new URL(base);
  url.port = String(port);
  return url.toString();
}

export function describeTarget(target: SmokeTarget): string {
  switch (target.kind) {
    case 'url':
      return `url ${target.url}`;
    case 'port-forward':
      return `kubectl port-forward service/${target.service} in namespace ${target.namespace}`;
    case 'pod':
      return `curl Pod (${target.image}) in namespace ${target.namespace} → service/${target.service}`;
  }
}

export async function openTarget(
  target: SmokeTarget,
  env: TargetEnvironment,
  readyTimeoutMs: number,
  lifetimeSeconds: number,
): Promise<OpenTarget> {
  const log = env.log ?? (() => {});
  if (target.kind === 'url') {
    return {
      description: describeTarget(target),
      healthBase: target.url,
      metricsBase: target.metricsUrl,
      transport: localCurl(env.curl, env.tempDir),
      close: async () => {},
    };
  }
  if (!env.kube) throw new Error(`target ${target.kind} needs kubectl`);
  if (target.kind === 'port-forward') {
    const forward: PortForward = await startPortForward({
      kube: env.kube,
      namespace: target.namespace,
      resource: `service/${target.service}`,
      remotePorts: [target.port, target.metricsPort],
      readyTimeoutMs,
      onLine: (line) => log(`port-forward: ${line}`),
    });
    const local = (port: number) => `${target.scheme}://127.0.0.1:${forward.localPorts.get(port)}`;
    log(
      `port-forward ready: ${target.port} -> ${local(target.port)}, ${target.metricsPort} -> ${local(target.metricsPort)}`,
    );
    return {
      description: describeTarget(target),
      healthBase: local(target.port),
      metricsBase: local(target.metricsPort),
      transport: localCurl(env.curl, env.tempDir),
      close: () => forward.stop(),
    };
  }
  const pod: CurlPod = await startCurlPod({
    kube: env.kube,
    namespace: target.namespace,
    image: target.image,
    lifetimeSeconds,
    readyTimeoutMs,
  });
  log(`curl Pod ${pod.namespace}/${pod.name} is ready`);
  const host = `${target.service}.${target.namespace}.svc`;
  return {
    description: `${describeTarget(target)} (Pod ${pod.name})`,
    healthBase: `${target.scheme}://${host}:${target.port}`,
    metricsBase: `${target.scheme}://${host}:${target.metricsPort}`,
    transport: pod.transport,
    close: () => pod.delete(),
  };
}
