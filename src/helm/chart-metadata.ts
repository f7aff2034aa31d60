// Chart.yaml (or a v1 chart's requirements.yaml) as the checks before helm
// read it: the chart's type, name and dependencies. A file is parsed once per
// process while its size and modification time stay: lint asks for the type
// and the dependencies at its start, and the locator for each subchart's name.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ChartMetadata {
  name?: unknown;
  type?: unknown;
  dependencies?: unknown;
}

const parsed = new Map<string, { stamp: string; meta: ChartMetadata | undefined }>();

/**
 * The first document of `file` in `chartDir` (helm reads no other), or
 * undefined when the file is missing, is not a mapping or does not parse:
 * helm lint says why in its own words.
 */
export function chartMetadata(chartDir: string, file = 'Chart.yaml'): ChartMetadata | undefined {
  const full = path.join(chartDir, file);
  let stamp: string;
  try {
    const stat = statSync(full);
    stamp = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
  const known = parsed.get(full);
  if (known?.stamp === stamp) return known.meta;
  let meta: ChartMetadata | undefined;
  try {
    const [first] = parseAllDocuments(readFileSync(full, 'utf8'), { merge: true });
    const doc: unknown = first && !first.errors.length ? first.toJS() : undefined;
    meta =
      doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as ChartMetadata) : undefined;
  } catch {
    meta = undefined;
  }
  parsed.set(full, { stamp, meta });
  return meta;
}
