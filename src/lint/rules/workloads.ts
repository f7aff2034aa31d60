// Rules over workloads and the objects around them: replicas (or an HPA
// minimum), a PodDisruptionBudget selecting the pods, TLS for every Ingress host.
import { matchesSelector } from '../../kube/label-selector.js';
import type { LabelSelector } from '../../kube/release-objects.js';
import { MIN_REPLICAS, type RenderedObject, type Rule } from './model.js';
import { get } from '../object-path.js';
import { SCALED, isHook, list, nameOf, obj, violation } from './objects.js';

function scaledWorkloads(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.filter((o) => SCALED.has(String(o.doc.kind)) && !isHook(o));
}

function namespaceOf(o: RenderedObject): string {
  return String(get(o.doc, ['metadata', 'namespace']) ?? '');
}

export const minimumReplicas: Rule = (objects) =>
  scaledWorkloads(objects).flatMap((workload) => {
    const name = get(workload.doc, ['metadata', 'name']);
    const hpa = objects.find(
      (o) =>
        o.doc.kind === 'HorizontalPodAutoscaler' &&
        namespaceOf(o) === namespaceOf(workload) &&
        get(o.doc, ['spec', 'scaleTargetRef', 'kind']) === workload.doc.kind &&
        get(o.doc, ['spec', 'scaleTargetRef', 'name']) === name,
    );
    if (hpa) {
      const min = Number(get(hpa.doc, ['spec', 'minReplicas']) ?? 1);
      // Not a number (`minReplicas: three`): the schema stage reports it, there is no count to judge.
      if (min >= MIN_REPLICAS || Number.isNaN(min)) return [];
      return [
        violation(
          'replicas',
          { object: hpa },
          `${nameOf(hpa)} scales ${nameOf(workload)} down to ${min} replica(s); at least ${MIN_REPLICAS} are required`,
          ['spec', 'minReplicas'],
          // Charts (ours among them) let an explicit replicaCount set the HPA minimum.
          { keys: ['minReplicas', 'replicaCount'], value: min },
        ),
      ];
    }
    const replicas = Number(get(workload.doc, ['spec', 'replicas']) ?? 1);
    if (replicas >= MIN_REPLICAS || Number.isNaN(replicas)) return [];
    return [
      violation(
        'replicas',
        { object: workload },
        `${nameOf(workload)} runs ${replicas} replica(s) and has no HorizontalPodAutoscaler; at least ${MIN_REPLICAS} are required`,
        ['spec', 'replicas'],
        { keys: ['replicaCount', 'replicas'], value: replicas },
      ),
    ];
  });

export const podDisruptionBudget: Rule = (objects) =>
  scaledWorkloads(objects).flatMap((workload) => {
    const labels = obj(get(workload.doc, ['spec', 'template', 'metadata', 'labels'])) ?? {};
    const covered = objects.some(
      (o) =>
        o.doc.kind === 'PodDisruptionBudget' &&
        namespaceOf(o) === namespaceOf(workload) &&
        // An empty selector names no pods: it does not count as covering the workload.
        matchesSelector(labels, get(o.doc, ['spec', 'selector']) as LabelSelector | undefined, {
          empty: 'nothing',
        }),
    );
    if (covered) return [];
    return [
      violation(
        'pod-disruption-budget',
        { object: workload },
        `${nameOf(workload)} has no PodDisruptionBudget selecting its pods`,
        ['kind'],
        {
          keys: ['podDisruptionBudget.enabled', 'podDisruptionBudget', 'pdb.enabled', 'pdb'],
          value: false,
        },
      ),
    ];
  });

/** Whether a TLS host entry (possibly `*.example.com`) covers a rule host. */
export function tlsCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const suffix = tlsHost.slice(1); // .example.com
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
}

export const ingressTls: Rule = (objects) =>
  objects
    .filter((o) => o.doc.kind === 'Ingress')
    .flatMap((ingress) => {
      const tls = list(get(ingress.doc, ['spec', 'tls']));
      const tlsHosts = tls.flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.map(String) : []));
      return list(get(ingress.doc, ['spec', 'rules'])).flatMap((rule, i) => {
        const host = typeof rule.host === 'string' ? rule.host : '';
        if (!host) {
          if (tls.length) return [];
          return [
            violation(
              'ingress-tls',
              { object: ingress },
              `${nameOf(ingress)} rule ${i} has no host and the Ingress has no TLS`,
              ['spec', 'rules', i],
              {
                keys: ['ingress.tls', 'tls'],
              },
            ),
          ];
        }
        if (tlsHosts.some((t) => tlsCovers(t, host))) return [];
        return [
          violation(
            'ingress-tls',
            { object: ingress },
            `${nameOf(ingress)} host "${host}" is not covered by TLS`,
            ['spec', 'rules', i, 'host'],
            {
              keys: ['host', 'ingress.tls', 'tls'],
              value: host,
            },
          ),
        ];
      });
    });
