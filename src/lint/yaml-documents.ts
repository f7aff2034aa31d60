// Every document of a YAML stream as plain values, with the `yaml` package
// (the one the values files are read with, for its positions). Merge keys
// (`<<: *base`) are resolved as helm's own YAML reader resolves them; the
// first syntax error of any document is thrown.
import { isPair, isScalar, isSeq, parseAllDocuments, visit, type Document } from 'yaml';

export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text, { merge: true }).map((doc) => {
    if (doc.errors.length) throw doc.errors[0]!;
    return doc.toJS();
  });
}

/** Field paths of the keys given twice in one mapping (`spec.template.spec.affinity.podAntiAffinity`). */
function duplicateKeys(doc: Document): (string | number)[][] {
  const found: (string | number)[][] = [];
  visit(doc, {
    Map(_, map, ancestry) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.value === '<<') continue;
        const key = String(pair.key.value);
        if (seen.has(key)) found.push([...fieldPath([...ancestry, map]), key]);
        seen.add(key);
      }
    },
  });
  return found;
}

/** The field path of the last of `ancestry`: map keys, and indexes in sequences. */
function fieldPath(ancestry: readonly unknown[]): (string | number)[] {
  return ancestry.flatMap((node, i): (string | number)[] => {
    if (isPair(node)) return isScalar(node.key) ? [String(node.key.value)] : [];
    if (isSeq(node)) return [node.items.indexOf(ancestry[i + 1] as never)];
    return [];
  });
}

/**
 * The documents of rendered YAML as helm hands them to Kubernetes: its YAML
 * reader (sigs.k8s.io/yaml) keeps the last value of a key given twice in one
 * mapping, without a word, so the object is read that way and the field path
 * of each such key is returned to be reported. Any other syntax error is thrown.
 */
export function parseRenderedDocuments(text: string): {
  values: unknown[];
  duplicates: (string | number)[][];
} {
  const strict = parseAllDocuments(text, { merge: true });
  const errors = strict.flatMap((doc) => doc.errors);
  const other = errors.find((e) => e.code !== 'DUPLICATE_KEY');
  if (other) throw other;
  if (!errors.length) return { values: strict.map((doc) => doc.toJS()), duplicates: [] };
  const lenient = parseAllDocuments(text, { merge: true, uniqueKeys: false });
  return {
    values: lenient.map((doc) => doc.toJS()),
    duplicates: lenient.flatMap((doc) => duplicateKeys(doc)),
  };
}
