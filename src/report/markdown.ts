// Small helpers for GitHub-flavoured markdown in job summaries. Every cell and
// block passes through redact(): a summary is public to anyone who can read
// the run.
import { redact } from '../secrets/redact.js';

// Escaping for table cells and list items, for every summary and generated
// table: a pipe would end the cell and a line break the row; both helpers
// redact secrets.

/**
 * Plain text (a message, a note, a name) shown as typed: backslashes, pipes
 * and `<` escaped (helm's `<nil>` would vanish as a tag; without a `<` no tag
 * opens, so `->` stays as written), line breaks as <br>.
 */
export function escapeCell(text: string): string {
  return redact(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, '<br>');
}

/**
 * Markdown source (a description with `code spans`, text inside a code span)
 * kept as Markdown: only pipes escaped (GitHub honours `\|` inside code spans
 * in a table too) and line breaks as <br>.
 */
export function escapeMarkdownCell(text: string): string {
  return redact(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A table cell, `-` when empty. */
export function cell(text: string | number | undefined): string {
  if (text === undefined || text === '') return '-';
  return escapeCell(String(text));
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
