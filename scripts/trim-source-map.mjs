// Keeps the part of a bundle's source map that makes stack traces readable: the
// mappings into this project's own sources. Library code keeps its bundled
// (minified) positions and no map is shipped for it, and no source text is
// embedded (a stack trace needs positions, not the text), which keeps each
// action's dist/ small.
import { readFileSync, writeFileSync } from 'node:fs';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeValue(n) {
  let vlq = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = vlq & 31;
    vlq >>>= 5;
    if (vlq) digit |= 32;
    out += BASE64[digit];
  } while (vlq);
  return out;
}

/** The map with only segments whose source `keep` accepts; sources and names reindexed. */
export function trimSourceMap(map, keep) {
  const sources = [];
  const sourceIndex = new Map();
  const names = [];
  const nameIndex = new Map();
  const indexOf = (list, index, value) => {
    if (!index.has(value)) index.set(value, list.push(value) - 1);
    return index.get(value);
  };
  // Absolute values carried across segments (the source fields are relative over the whole file).
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  const out = { src: 0, srcLine: 0, srcCol: 0, name: 0 };
  const lines = map.mappings.split(';').map((line) => {
    let genCol = 0;
    let outGenCol = 0;
    const kept = [];
    for (const segment of line ? line.split(',') : []) {
      const [dCol, dSrc, dLine, dSrcCol, dName] = decodeSegment(segment);
      genCol += dCol;
      if (dSrc === undefined) continue;
      src += dSrc;
      srcLine += dLine;
      srcCol += dSrcCol;
      if (dName !== undefined) name += dName;
      if (!keep(map.sources[src])) continue;
      const s = indexOf(sources, sourceIndex, map.sources[src]);
      let text =
        encodeValue(genCol - outGenCol) +
        encodeValue(s - out.src) +
        encodeValue(srcLine - out.srcLine) +
        encodeValue(srcCol - out.srcCol);
      if (dName !== undefined) {
        const n = indexOf(names, nameIndex, map.names[name]);
        text += encodeValue(n - out.name);
        out.name = n;
      }
      outGenCol = genCol;
      out.src = s;
      out.srcLine = srcLine;
      out.srcCol = srcCol;
      kept.push(text);
    }
    return kept.join(',');
  });
  return { version: 3, file: map.file, sources, names, mappings: lines.join(';') };
}

/**
 * Rewrites a .map file in place, keeping this project's sources (not
 * node_modules). esbuild names them relative to the map's folder
 * (../../../src/lint/run.ts), so a stack frame names the real file.
 */
export function trimSourceMapFile(file) {
  const map = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(
    file,
    JSON.stringify(trimSourceMap(map, (source) => !source.includes('node_modules/'))),
  );
}
