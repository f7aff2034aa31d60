// The `crds/` files inside a packaged chart (`charts/<name>-<version>.tgz`,
// what `helm package` and `helm dependency build` write: a gzip tar with the
// chart under one top folder), read in process. helm's own `helm show crds`
// is no substitute: helm 3 prints the files one after the other without a
// `---` between them, so two files run together into one document.
// Why not a tar library: only regular files' names and bytes are needed, from
// an archive already in memory; node-tar would bring its file-system
// machinery (and half a dozen packages) into the lint bundle for that.
//
// As helm's chart loader reads an archive: the files of the top folder's
// `crds/` ending in .yaml, .yml or .json are the chart's CRDs, and every
// `charts/<sub>/` folder or `charts/*.tgz` file is a subchart, read the same
// way (nested archives included).
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

export interface ArchivedFile {
  /** `<archive>:<path in the archive>`, nested archives joined the same way. */
  name: string;
  text: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const BLOCK = 512;

interface TarEntry {
  name: string;
  /** `0` a file, `5` a folder, ... (ustar typeflag). */
  type: string;
  body: Buffer;
}

function text(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** The entries of a tar stream: ustar names with their prefix, PAX `path` and GNU long names. */
export function tarEntries(data: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= data.length;) {
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = text(header, 156, 1) || '0';
    const body = data.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0[\s\S]*$/, '');
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(header, 257, 5) === 'ustar' ? text(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    entries.push({ name, type, body });
  }
  return entries;
}

/** Path segments of `name` relative to a chart folder: a CRD file, a nested archive, or neither. */
function classify(segments: readonly string[]): 'crd' | 'archive' | undefined {
  if (segments[0] === 'crds' && segments.length > 1)
    return MANIFEST_EXTENSIONS.has(path.posix.extname(segments[segments.length - 1]!))
      ? 'crd'
      : undefined;
  if (segments[0] !== 'charts') return undefined;
  if (segments.length === 2) return segments[1]!.endsWith('.tgz') ? 'archive' : undefined;
  // charts/<sub>/...: the subchart's own files
  return segments.length > 2 ? classify(segments.slice(2)) : undefined;
}

/** The regular files of a chart archive: their names, and paths inside the chart's top folder. */
function chartEntries(data: Buffer): { name: string; rel: string; body: Buffer }[] {
  return tarEntries(gunzipSync(data))
    .filter((entry) => entry.type === '0')
    .map((entry) => ({
      name: entry.name,
      rel: entry.name.replace(/^\.\//, '').split('/').filter(Boolean).slice(1).join('/'),
      body: entry.body,
    }));
}

/**
 * The CRD files of a chart archive and of the subcharts it holds, in the
 * archive's order. Throws when the archive is not a gzip tar.
 */
export function archivedCrdFiles(data: Buffer, label: string): ArchivedFile[] {
  return chartEntries(data).flatMap(({ name, rel, body }) => {
    const kind = classify(rel.split('/'));
    if (kind === 'crd') return [{ name: `${label}:${name}`, text: body.toString('utf8') }];
    return kind === 'archive' ? archivedCrdFiles(body, `${label}:${name}`) : [];
  });
}

/** The regular files of a chart archive, by path inside its top folder (`values.yaml`, `charts/x.tgz`). */
export function archivedChartFiles(data: Buffer): Map<string, Buffer> {
  return new Map(
    chartEntries(data)
      .filter(({ rel }) => rel !== '')
      .map(({ rel, body }) => [rel, body]),
  );
}
