// Every document of a YAML stream as plain values, with the `yaml` package
// (the one the values files are read with, for its positions). Merge keys
// (`<<: *base`) are resolved as helm's own YAML reader resolves them; the
// first syntax error of any document is thrown.
import { parseAllDocuments } from 'yaml';

export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text, { merge: true }).map((doc) => {
    if (doc.errors.length) throw doc.errors[0]!;
    return doc.toJS();
  });
}
