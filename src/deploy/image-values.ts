// Where a chart keeps its image: `image` in ours and in most charts, but
// `controller.image`, `server.image` or several places in others. The
// image-tag and image-digest inputs set `<path>.tag` / `<path>.digest` for
// each path named by image-values. Checked against the chart's own values
// before anything runs: a misspelt path would otherwise add a value no
// template reads, and the deploy would "succeed" with the old image.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../inputs/errors.js';
import { parseList } from '../inputs/parse.js';

const INPUT = 'image-values';
/** A helm value path as --set takes it: keys joined by dots, each key optionally indexed. */
const VALUE_PATH = /^[A-Za-z0-9_-]+(\[\d+\])*(\.[A-Za-z0-9_-]+(\[\d+\])*)*$/;

export const DEFAULT_IMAGE_VALUES = ['image'];

/** The image-values input: one value path per line or comma-separated; `image` when empty. */
export function parseImageValues(raw: string): string[] {
  const paths = parseList(raw);
  for (const p of paths) {
    if (!VALUE_PATH.test(p)) {
      throw new InputError(
        INPUT,
        p,
        "a helm value path of the chart's image mapping (keys joined by '.', e.g. controller.image)",
      );
    }
  }
  if (new Set(paths).size !== paths.length) {
    throw new InputError(INPUT, raw, 'each value path once');
  }
  return paths.length > 0 ? paths : DEFAULT_IMAGE_VALUES;
}

/** `--set-string` arguments for a tag and a digest at every image path. */
export function imageSetArgs(paths: readonly string[], tag: string, digest: string): string[] {
  const args: string[] = [];
  for (const p of paths) {
    if (tag) args.push('--set-string', `${p}.tag=${tag}`);
    if (digest) args.push('--set-string', `${p}.digest=${digest}`);
  }
  return args;
}

type Lookup = { found: true; value: unknown } | { found: false };

function lookup(values: unknown, valuePath: string): Lookup {
  let node: unknown = values;
  for (const part of valuePath.split('.')) {
    const [key, ...indexes] = part.split(/[[\]]+/).filter((s) => s !== '');
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return { found: false };
    const map = node as Record<string, unknown>;
    if (!Object.prototype.hasOwnProperty.call(map, key!)) return { found: false };
    node = map[key!];
    for (const index of indexes) {
      if (!Array.isArray(node) || Number(index) >= node.length) return { found: false };
      node = node[Number(index)];
    }
  }
  return { found: true, value: node };
}

function loadYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // a broken file is reported by helm, with its own words
  }
}

/** Names (and aliases) of the chart's dependencies: their values live under these keys. */
function dependencyKeys(chartDir: string): Set<string> {
  const keys = new Set<string>();
  for (const file of ['Chart.yaml', 'requirements.yaml']) {
    const doc = existsSync(path.join(chartDir, file))
      ? (loadYaml(path.join(chartDir, file)) as { dependencies?: unknown } | undefined)
      : undefined;
    const deps = Array.isArray(doc?.dependencies) ? doc.dependencies : [];
    for (const d of deps as { name?: unknown; alias?: unknown }[]) {
      if (typeof d.alias === 'string') keys.add(d.alias);
      if (typeof d.name === 'string') keys.add(d.name);
    }
  }
  return keys;
}

function isMapping(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 60)})`;
}

/**
 * Each path must be a mapping in the chart's values.yaml or in one of the
 * values files (where a chart leaves the image to the user), or sit under a
 * dependency's key (the subchart's own values hold it).
 */
export function checkImageValues(
  paths: readonly string[],
  chartDir: string,
  valuesFiles: readonly string[],
): void {
  const sources = [path.join(chartDir, 'values.yaml'), ...valuesFiles]
    .filter((f) => existsSync(f))
    .map((f) => ({ file: f, values: loadYaml(f) }));
  const deps = dependencyKeys(chartDir);
  for (const p of paths) {
    const hits = sources.flatMap((s) => {
      const hit = lookup(s.values, p);
      return hit.found ? [{ file: s.file, value: hit.value }] : [];
    });
    if (hits.some((h) => isMapping(h.value))) continue;
    const scalar = hits.filter((h) => h.value !== null && h.value !== undefined).at(-1);
    if (scalar) {
      throw new InputError(
        INPUT,
        p,
        `the path of a mapping that holds the image's tag (in ${path.basename(scalar.file)} it is ${describe(scalar.value)})`,
      );
    }
    // Present but empty (`image: ~`): the chart leaves it to the user.
    if (hits.length > 0 || deps.has(p.split(/[.[]/)[0]!)) continue;
    throw new InputError(
      INPUT,
      p,
      `a value path of the chart's image mapping; chart '${path.basename(chartDir)}' has no '${p}' in its values.yaml or the values files (e.g. image, controller.image)`,
    );
  }
}
