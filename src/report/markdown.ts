// Small helpers for GitHub-flavoured markdown in job summaries. Every cell and
// block passes through redact(): a summary is public to anyone who can read
// the run.
import { redact } from '../secrets/redact.js';

/** Escapes text for a table cell (pipes, newlines). */
export function cell(text: string | number | undefined): string {
  if (text === undefined || text === '') return '-';
  return redact(String(text)).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function table(
  header: readonly string[],
  rows: readonly (string | number | undefined)[][],
): string {
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n') + '\n';
}

/** A fenced block; the fence is longer than any backtick run inside. */
export function codeBlock(text: string, lang = ''): string {
  const body = redact(text);
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}\n`;
}

export function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(redact(summary))}</summary>\n\n${body}\n</details>\n`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${redact(text)}\n`;
}
