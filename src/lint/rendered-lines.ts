// From a line of a template's rendered output back to the template line that
// wrote it. helm reports YAML a template renders wrong by the line of the
// rendered document (`YAML parse error on c/templates/x.yaml: ... yaml: line
// 8: mapping values are not allowed`), which is not the template's line once
// `{{- if }}` lines vanish and includes expand.
import { parseAllDocuments } from 'yaml';

// `yaml: line 8: …` (helm template and helm lint, helm 3 and 4)
const YAML_LINE = /\byaml: line (\d+):/;
const ACTION = /\{\{.*?\}\}/g;

/** The rendered-document line a helm YAML error names, if it names one. */
export function yamlErrorLine(message: string): number | undefined {
  const match = YAML_LINE.exec(message);
  return match ? Number(match[1]) : undefined;
}

/**
 * The rendered text of one template in `helm template --debug` output,
 * which prints a template that does not parse as it rendered: from its
 * `# Source:` line to the next template's.
 */
export function renderedSource(output: string, source: string): string | undefined {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.trim() === `# Source: ${source}`);
  if (start < 0) return undefined;
  let end = start + 1;
  while (
    end < lines.length &&
    !(lines[end]!.trim() === '---' && lines[end + 1]?.startsWith('# Source: '))
  )
    end++;
  return lines.slice(start + 1, end).join('\n');
}

/**
 * Line of the rendered text (0-based) that the YAML error names: helm splits
 * a template's output at `---` lines (eating the blank lines after them) and
 * counts from the start of the document that fails; that is the one our YAML
 * reader rejects too, else the first.
 */
function renderedLine(lines: readonly string[], yamlLine: number): number {
  const starts = [0];
  lines.forEach((l, i) => {
    if (/^---\s*$/.test(l)) {
      let next = i + 1;
      while (next < lines.length && !lines[next]!.trim()) next++;
      starts.push(next);
    }
  });
  const failing = starts.find((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : lines.length;
    const text = lines.slice(start, end).join('\n');
    return parseAllDocuments(text).some((d) => d.errors.length > 0);
  });
  return (failing ?? 0) + yamlLine - 1;
}

/** A template line as a pattern of what it renders: its literal text, an action for any text. */
function linePattern(line: string): RegExp | undefined {
  const literals = line.trimEnd().split(ACTION);
  if (!literals.join('').trim()) return undefined;
  const pattern = literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
  return new RegExp(`^${pattern}$`);
}

/**
 * The template line (1-based) that wrote the rendered line a YAML error
 * names: the rendered lines up to it are matched in order against the
 * template's lines (literal text as written, actions as any text). The
 * failing line itself when it matches one, else the last line matched
 * before it (an included helper's or a toYaml's lines match none).
 */
export function templateLineOf(
  template: string,
  rendered: string,
  yamlLine: number,
): number | undefined {
  const patterns = template.split('\n').map(linePattern);
  const lines = rendered.split('\n');
  const target = renderedLine(lines, yamlLine);
  if (target < 0 || target >= lines.length) return undefined;
  let cursor = 0;
  let last: number | undefined;
  for (let r = 0; r <= target; r++) {
    const text = lines[r]!.trimEnd();
    if (!text.trim() || text.trim() === '---') continue;
    const match = patterns.findIndex((p, j) => j >= cursor && p?.test(text));
    if (match < 0) continue;
    cursor = match + 1;
    last = match + 1;
  }
  return last;
}
