import { afterEach, describe, expect, it } from 'vitest';
import { escapeCell, escapeMarkdownCell } from '../../../src/report/markdown.js';
import { clearSecrets, registerSecret } from '../../../src/secrets/redact.js';

describe('table cell escaping', () => {
  afterEach(clearSecrets);

  it('shows plain text as typed in one cell: pipes, backslashes, tags, line breaks', () => {
    expect(escapeCell('a | b')).toBe('a \\| b');
    // a backslash before a pipe must not undo the pipe's escape
    expect(escapeCell('path\\|x')).toBe('path\\\\\\|x');
    expect(escapeCell('value <nil> for .Values.x')).toBe('value &lt;nil> for .Values.x');
    expect(escapeCell('version bumped 1.0.0 -> 1.0.1')).toBe('version bumped 1.0.0 -> 1.0.1');
    expect(escapeCell('first\r\nsecond\nthird')).toBe('first<br>second<br>third');
  });

  it('keeps Markdown source as Markdown, escaping only what would break the table', () => {
    expect(escapeMarkdownCell('such as `podAnnotations.example\\.com/key` | x')).toBe(
      'such as `podAnnotations.example\\.com/key` \\| x',
    );
    expect(escapeMarkdownCell('one\ntwo')).toBe('one<br>two');
  });

  it('redacts registered secrets in both', () => {
    registerSecret('hunter22');
    expect(escapeCell('token hunter22 | x')).toBe('token *** \\| x');
    expect(escapeMarkdownCell('`hunter22`')).toBe('`***`');
  });
});
