// The types the policy rules share: the objects they read, the rule names
// and the violations they return.
import type { ContainerReads, TemplateDocument } from '../locate.js';

export type Manifest = Record<string, unknown>;

export interface RenderedObject {
  doc: Manifest;
  /** Template that rendered it, as helm prints it (`hotswap/templates/deployment.yaml`). */
  source: string;
  /** How many objects of its kind the same template rendered before it (0 for the first). */
  kindIndex?: number;
}

export const RULE_NAMES = [
  'run-as-non-root',
  'read-only-root-filesystem',
  'drop-capabilities',
  'resources',
  'probes',
  'image-tag',
  'replicas',
  'pod-disruption-budget',
  'ingress-tls',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** What values key most likely controls a field: key suffixes, best first, and the offending value. */
export interface ValuesHint {
  keys: string[];
  value?: unknown;
  /** The keys hold a map: a key of that name holding a list is another setting (`customResourceState.config.spec.resources`). */
  map?: boolean;
  /**
   * What the object has where a hint key's value renders, by hint key ({}
   * for a map it lacks, undefined for an unset field): a key that sets
   * something else there rendered another object's field.
   */
  rendered?: Record<string, unknown>;
  /**
   * The container's name and its pod's other containers': a key whose nearest
   * parent naming one of them names another (`initChownData` for init
   * container init-chown-data) configures that one.
   */
  containers?: { own: string; others: string[]; reads?: ContainerReads };
}

export interface Violation {
  rule: RuleName;
  /** `Kind/name` of the object. */
  object: string;
  source: string;
  /** The template document that rendered the object, when known. */
  document?: TemplateDocument;
  message: string;
  /** Path of the offending field in the object, or of its nearest existing parent. */
  field: (string | number)[];
  /** The rendered scalar at `field` when the field itself exists (a hard-coded one is found in the template). */
  rendered?: string | number | boolean;
  hint: ValuesHint;
  /** Words that tie the finding to values keys (container name, template path). */
  context: string[];
}

/** Lowest replica count (or HPA minimum) that survives a node drain with capacity to spare. */
export const MIN_REPLICAS = 3;

export type Rule = (objects: readonly RenderedObject[]) => Violation[];
