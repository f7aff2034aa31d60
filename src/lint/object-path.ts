// Reading a value at a key path of parsed YAML or JSON (maps and lists alike).

/** The value at `path`, or undefined where the path leaves the document. */
export function get(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}
