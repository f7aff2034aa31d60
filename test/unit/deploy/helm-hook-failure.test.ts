import { describe, expect, it } from 'vitest';

import { helmFailedOnHook } from '../../../src/deploy/apply.js';

// helm's stderr when it fails an upgrade on a hook, and when it is stopped.
const failedItself = [
  'level=WARN msg="upgrade failed" name=hs error="pre-upgrade hooks failed: resource Job/ns/hs-migrations not ready. status: Failed, message: Job Failed. failed: 1/1"',
  'level=WARN msg="upgrade failed" name=hs error="context canceled"',
  'Error: UPGRADE FAILED: pre-upgrade hooks failed: resource Job/ns/hs-migrations not ready. status: Failed, message: Job Failed. failed: 1/1',
].join('\n');
const stopped = [
  'level=WARN msg="upgrade failed" name=hs error="pre-upgrade hooks failed: context canceled"',
  'Error: UPGRADE FAILED: pre-upgrade hooks failed: context canceled',
].join('\n');

describe('helmFailedOnHook', () => {
  it("is helm's own verdict on a hook, even when the stop reached it afterwards", () => {
    expect(helmFailedOnHook(failedItself)).toBe(true);
    expect(
      helmFailedOnHook(
        'Error: UPGRADE FAILED: pre-upgrade hooks failed: job failed: BackoffLimitExceeded',
      ),
    ).toBe(true);
  });

  it('is not a helm stopped while it waited, nor another failure', () => {
    expect(helmFailedOnHook(stopped)).toBe(false);
    expect(helmFailedOnHook('Error: UPGRADE FAILED: context deadline exceeded')).toBe(false);
    expect(helmFailedOnHook('')).toBe(false);
  });
});
