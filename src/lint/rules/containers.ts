// Rules over each container of a pod template: security context, resources,
// probes and the image tag.
import type { Rule, Violation } from './model.js';
import { get } from '../object-path.js';
import { containersOf, obj, violation } from './objects.js';

export const runAsNonRoot: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const own = obj(ref.container.securityContext) ?? {};
    const pod = obj(ref.pod.securityContext) ?? {};
    const user = own.runAsUser ?? pod.runAsUser;
    const nonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
    // The pod's setting when it is the one in force; else the container's, where its
    // template block (and the values key it reads) writes securityContext, also when
    // neither sets it (the pod's spec: line says nothing of where it goes).
    const where =
      own.runAsNonRoot === undefined && pod.runAsNonRoot !== undefined ? ref.podPath : ref.path;
    if (user === 0) {
      const userPath = own.runAsUser !== undefined ? ref.path : ref.podPath;
      return [
        violation(
          'run-as-non-root',
          ref,
          `${ref.label} runs as uid 0 (root)`,
          [...userPath, 'securityContext', 'runAsUser'],
          {
            keys: ['runAsUser'],
            value: 0,
          },
        ),
      ];
    }
    if (nonRoot !== true) {
      return [
        violation(
          'run-as-non-root',
          ref,
          `${ref.label} does not set securityContext.runAsNonRoot: true`,
          [...where, 'securityContext', 'runAsNonRoot'],
          nonRoot === undefined
            ? {
                // set nowhere: in the container's map, which charts name
                // containerSecurityContext when securityContext is the pod's
                keys: ['runAsNonRoot', 'containerSecurityContext', 'securityContext'],
                value: nonRoot,
                rendered: { containerSecurityContext: own },
              }
            : { keys: ['runAsNonRoot', 'securityContext'], value: nonRoot },
        ),
      ];
    }
    return [];
  });

export const readOnlyRootFilesystem: Rule = (objects) =>
  containersOf(objects)
    .filter((ref) => get(ref.container, ['securityContext', 'readOnlyRootFilesystem']) !== true)
    .map((ref) => {
      const securityContext = obj(ref.container.securityContext) ?? {};
      return violation(
        'read-only-root-filesystem',
        ref,
        `${ref.label} does not set securityContext.readOnlyRootFilesystem: true`,
        [...ref.path, 'securityContext', 'readOnlyRootFilesystem'],
        {
          // A container-only field: charts name its map containerSecurityContext when
          // securityContext is the pod's.
          keys: ['readOnlyRootFilesystem', 'containerSecurityContext', 'securityContext'],
          value: securityContext.readOnlyRootFilesystem,
          rendered: {
            readOnlyRootFilesystem: securityContext.readOnlyRootFilesystem,
            containerSecurityContext: securityContext,
          },
        },
      );
    });

export const dropCapabilities: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const caps = obj(get(ref.container, ['securityContext', 'capabilities'])) ?? {};
    const drop = (Array.isArray(caps.drop) ? caps.drop : []).map((c) => String(c).toUpperCase());
    const added = (Array.isArray(caps.add) ? caps.add : [])
      .map((c) => String(c).toUpperCase())
      .filter((c) => c !== 'NET_BIND_SERVICE');
    const capsPath = [...ref.path, 'securityContext', 'capabilities'];
    const found: Violation[] = [];
    if (!drop.includes('ALL')) {
      found.push(
        violation(
          'drop-capabilities',
          ref,
          `${ref.label} does not drop ALL capabilities`,
          [...capsPath, 'drop'],
          {
            keys: [
              'capabilities.drop',
              'capabilities',
              'containerSecurityContext',
              'securityContext',
            ],
          },
        ),
      );
    }
    if (added.length) {
      found.push(
        violation(
          'drop-capabilities',
          ref,
          `${ref.label} adds capabilities ${added.join(', ')}`,
          [...capsPath, 'add'],
          {
            keys: ['capabilities.add', 'capabilities'],
            value: added[0],
          },
        ),
      );
    }
    return found;
  });

export const resourcesSet: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const resources = obj(ref.container.resources) ?? {};
    const missing = [
      ['requests', 'cpu'],
      ['requests', 'memory'],
      ['limits', 'memory'],
    ]
      .filter((p) => get(resources, p) === undefined || get(resources, p) === '')
      .map((p) => p.join('.'));
    if (!missing.length) return [];
    return [
      violation(
        'resources',
        ref,
        `${ref.label} does not set resources ${missing.join(', ')}`,
        [...ref.path, 'resources'],
        { keys: ['resources'], map: true, rendered: { resources: ref.container.resources ?? {} } },
      ),
    ];
  });

export const probesSet: Rule = (objects) =>
  containersOf(objects)
    .filter((ref) => ref.longRunning && !ref.init)
    .flatMap((ref) =>
      (['livenessProbe', 'readinessProbe'] as const)
        .filter((probe) => !obj(ref.container[probe]))
        .map((probe) =>
          violation('probes', ref, `${ref.label} has no ${probe}`, [...ref.path, probe], {
            keys: [`${probe}.enabled`, probe, `${probe.replace('Probe', '')}.enabled`],
            value: false,
            // A key that configures a probe rendered it elsewhere.
            rendered: { [probe]: {} },
          }),
        ),
    );

/** The tag of an image reference, '' when it has none; undefined when pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : '';
}

export const imageTagPinned: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const image = typeof ref.container.image === 'string' ? ref.container.image.trim() : '';
    const field = [...ref.path, 'image'];
    if (!image) {
      return [
        violation('image-tag', ref, `${ref.label} has an empty image`, field, {
          keys: ['image.tag', 'tag', 'image'],
          value: '',
        }),
      ];
    }
    const tag = imageTag(image);
    if (tag === '') {
      return [
        violation(
          'image-tag',
          ref,
          `${ref.label} image "${image}" has no tag (pulls latest)`,
          field,
          {
            keys: ['image.tag', 'tag'],
            value: '',
          },
        ),
      ];
    }
    if (tag === 'latest') {
      return [
        violation('image-tag', ref, `${ref.label} image "${image}" uses the latest tag`, field, {
          keys: ['image.tag', 'tag'],
          value: 'latest',
        }),
      ];
    }
    return [];
  });
