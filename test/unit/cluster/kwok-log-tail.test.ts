import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLogTail } from '../../../src/cluster/kwok.js';

describe('withLogTail', () => {
  it("appends the log's last lines to the error, and leaves it alone when there is no log", async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'kwok-log-')), 'kwok-controller.log');
    writeFileSync(log, `${Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')}\n`);
    const error = (await withLogTail(new Error('timed out'), log, 3)) as Error;
    expect(error.message).toBe(`timed out\nlast lines of ${log}:\nline 18\nline 19\nline 20`);

    const alone = (await withLogTail(new Error('timed out'), `${log}.missing`)) as Error;
    expect(alone.message).toBe('timed out');
  });
});
