// helm names YAML a template renders wrong by the line of the rendered
// document, and the finding lands on the template's first line. Here such
// findings move to the template line that wrote the broken one, read from
// what `helm template --debug` shows of the template (run only when there is
// such a finding).
import { readFileSync } from 'node:fs';
import type { Locator } from '../locate.js';
import { renderedSource, templateLineOf, yamlErrorLine } from '../rendered-lines.js';
import type { StageFinding } from './context.js';

/** The `# Source:` names of a `helm template --debug` output. */
function sources(output: string): string[] {
  return [...output.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]!.trim());
}

/**
 * The findings, those about YAML a template rendered wrong (at the
 * template's line 1) moved to the line that wrote it.
 */
export async function placeYamlErrors(
  findings: StageFinding[],
  locator: Locator,
  debugOutput: () => Promise<string>,
): Promise<StageFinding[]> {
  const broken = (f: StageFinding) => f.line === 1 && yamlErrorLine(f.message) !== undefined;
  if (!findings.some(broken)) return findings;
  const output = await debugOutput();
  return findings.map((f) => {
    if (!broken(f)) return f;
    const source = sources(output).find((s) => locator.templateFile(s) === f.file);
    const rendered = source && renderedSource(output, source);
    if (!rendered) return f;
    const line = templateLineOf(readFileSync(f.file, 'utf8'), rendered, yamlErrorLine(f.message)!);
    return line ? { ...f, line } : f;
  });
}
