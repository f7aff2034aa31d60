// The reads a deploy repeats go through one `kubectl proxy` (api-proxy.ts)
// when it serves: each must give what the kubectl process gives for the same
// question, on a real API server, and a proxy that fails to start or dies
// must leave every read working through kubectl.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/command.js';
import { Kubectl, type KubeEvent, type KubeObject } from '../../src/kube/kubectl.js';
import { storedManifest } from '../../src/release/stored-release.js';
import { REPO_ROOT } from '../support/run-action.js';
import { toolPath } from '../support/tools.js';
import { tempDir } from '../support/temp-dir.js';
import { createNamespace, deleteNamespace, kubeconfig, kubectl, waitFor } from './support.js';

const TYPES = 'deployments.apps,replicasets.apps,pods';

/** What identifies each object, and its spec: equal whichever way it was read. */
const identities = (objects: KubeObject[]) =>
  objects
    .map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      uid: o.metadata.uid,
      labels: o.metadata.labels,
      spec: o.spec as unknown,
    }))
    .sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));

describe('reads through kubectl proxy', () => {
  let namespace: string;
  const plain = () => new Kubectl({ kubectl: toolPath('kubectl'), kubeconfig: kubeconfig() });
  let proxied: Kubectl;
  const logged: string[] = [];

  beforeAll(async () => {
    namespace = await createNamespace('proxy');
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
            spec: {
              replicas: 2,
              selector: { matchLabels: { app: 'web' } },
              template: {
                metadata: { labels: { app: 'web' } },
                spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] },
              },
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              name: 'sh.helm.release.v1.web.v1',
              labels: { owner: 'helm', name: 'web', status: 'deployed', version: '1' },
            },
            stringData: { release: 'not-read' },
          },
        ],
      }),
    );
    await waitFor('two pods of web', async () => {
      const pods = await plain().list('pods', namespace, 'app=web');
      return pods.length === 2 ? pods : undefined;
    });
    proxied = plain();
    proxied.startProxy(tempDir('hotswap-proxy-'), (line) => logged.push(line));
    expect(await proxied.proxyInUse()).toBeDefined();
  });

  afterAll(async () => {
    await proxied?.close();
    await deleteNamespace(namespace);
  });

  it('lists the same objects as kubectl get, with and without a selector', async () => {
    const [viaProxy, viaKubectl] = await Promise.all([
      proxied.list(TYPES, namespace),
      plain().list(TYPES, namespace),
    ]);
    expect(viaProxy.map((o) => o.kind).sort()).toEqual(['Deployment', 'Pod', 'Pod', 'ReplicaSet']);
    expect(identities(viaProxy)).toEqual(identities(viaKubectl));
    const selected = await proxied.list(TYPES, namespace, 'app=web,tier=front');
    expect(identities(selected)).toEqual(
      identities(await plain().list(TYPES, namespace, 'app=web,tier=front')),
    );
    expect(selected.map((o) => o.kind)).toEqual(['Deployment']);
    // A set-based selector: spaces, parentheses and commas in the query.
    const setBased = 'app in (web, api),tier in (front, edge)';
    const inSet = await proxied.list(TYPES, namespace, setBased);
    expect(identities(inSet)).toEqual(identities(await plain().list(TYPES, namespace, setBased)));
    expect(inSet.map((o) => o.kind)).toEqual(['Deployment']);
  });

  it('reads labels only, and sets and removes one, as kubectl label does', async () => {
    const selector = 'owner=helm,name=web';
    expect(await proxied.labelsOf('secret', namespace, selector)).toEqual(
      await plain().labelsOf('secret', namespace, selector),
    );
    await proxied.setLabel(
      'secret',
      namespace,
      'sh.helm.release.v1.web.v1',
      'hotswap.dev/verified',
      '1',
    );
    expect(await plain().labelsOf('secret', namespace, selector)).toEqual([
      { 'hotswap.dev/verified': '1', name: 'web', owner: 'helm', status: 'deployed', version: '1' },
    ]);
    await proxied.setLabel(
      'secret',
      namespace,
      'sh.helm.release.v1.web.v1',
      'hotswap.dev/verified',
      undefined,
    );
    expect(await plain().labelsOf('secret', namespace, selector)).toEqual([
      { name: 'web', owner: 'helm', status: 'deployed', version: '1' },
    ]);
    await expect(
      proxied.setLabel(
        'secret',
        namespace,
        'sh.helm.release.v1.web.v9',
        'hotswap.dev/verified',
        '9',
      ),
    ).rejects.toThrow(/404 secrets "sh.helm.release.v1.web.v9" not found/);
  });

  it("reads an object's events as kubectl does", async () => {
    const events = await proxied.events(namespace, 'web');
    expect(events.map((e) => e.reason)).toContain('ScalingReplicaSet');
    const said = (e: KubeEvent) => [e.type, e.reason, e.message, e.involvedObject?.uid];
    expect(events.map(said)).toEqual((await plain().events(namespace, 'web')).map(said));
  });

  it("reads a revision's manifest from helm's record as helm get manifest prints it", async () => {
    const chart = path.join(REPO_ROOT, 'test/fixtures/charts/unlabeled');
    const helm = (args: string[]) =>
      runCommand(toolPath('helm'), [...args, '-n', namespace, '--kubeconfig', kubeconfig()], {
        rawOutput: true,
      });
    await helm(['install', 'rec', chart]);
    await helm(['upgrade', 'rec', chart, '--set', 'web.replicas=2']);
    for (const revision of [1, 2]) {
      const printed = (await helm(['get', 'manifest', 'rec', '--revision', String(revision)]))
        .stdout;
      const stored = await storedManifest(proxied, 'rec', namespace, revision);
      expect(stored?.trim()).toBe(printed.trim());
    }
    expect(await storedManifest(proxied, 'rec', namespace, 3)).toBeUndefined();
    expect(await storedManifest(plain(), 'rec', namespace, 1)).toBeUndefined();
  });

  it('calls back on a change of a followed collection, not before, and not once stopped', async () => {
    let seen = 0;
    const stop = await proxied.followChanges(
      ['deployments.apps'],
      namespace,
      'app=web',
      () => seen++,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toBe(0);
    await kubectl(['label', 'deployment', 'web', '-n', namespace, 'touched=1', '--overwrite']);
    await waitFor('a change to be seen', async () => (seen > 0 ? seen : undefined), 10_000);
    stop();
    const after = seen;
    await kubectl(['label', 'deployment', 'web', '-n', namespace, 'touched=2', '--overwrite']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toBe(after);
    // Without a proxy, or for a type it does not read, there is nothing to follow.
    expect(
      (await plain().followChanges(['pods'], namespace, undefined, () => seen++))(),
    ).toBeUndefined();
  });

  it('keeps its socket in a directory only its user can enter, and removes it when closed', async () => {
    const own = plain();
    own.startProxy(tempDir('hotswap-proxy-'));
    const proxy = await own.proxyInUse();
    expect(proxy).toBeDefined();
    const dir = path.dirname(proxy!.socket);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const running = () =>
      runCommand('pgrep', ['-f', `unix-socket=${proxy!.socket}`], { allowFailure: true });
    expect((await running()).stdout.trim()).toMatch(/^\d+$/);
    await own.close();
    expect(existsSync(dir)).toBe(false);
    const left = await running();
    expect(left.code).toBe(1);
    expect(left.stdout.trim()).toBe('');
  });

  it('reads through kubectl once the proxy is gone', async () => {
    const own = plain();
    own.startProxy(tempDir('hotswap-proxy-'));
    const proxy = (await own.proxyInUse())!;
    await runCommand('pkill', ['-f', `unix-socket=${proxy.socket}`]);
    await waitFor('the proxy to be seen gone', async () => (proxy.usable ? undefined : true));
    expect(identities(await own.list(TYPES, namespace))).toEqual(
      identities(await plain().list(TYPES, namespace)),
    );
    await own.close();
  });

  it('reads through kubectl when the proxy cannot start, and says why', async () => {
    const lines: string[] = [];
    const broken = new Kubectl({
      kubectl: toolPath('kubectl'),
      kubeconfig: path.join(tempDir('hotswap-proxy-'), 'missing-kubeconfig'),
    });
    broken.startProxy(tempDir('hotswap-proxy-'), (line) => lines.push(line));
    expect(await broken.proxyInUse()).toBeUndefined();
    expect(lines.join('\n')).toMatch(
      /kubectl proxy exited with code 1: .*; reading with kubectl processes/,
    );
    await broken.close();
    // The kubectl process fails the same way, with its own message.
    await expect(broken.list('pods', namespace)).rejects.toThrow(/missing-kubeconfig/);
  });
});
