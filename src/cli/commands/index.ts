import type { Command } from '../command.js';
import { deployCommand } from './deploy.js';
import { lintCommand } from './lint.js';
import { pendingCommand } from './pending.js';
import { rollbackCommand } from './rollback.js';
import { smokeTestCommand } from './smoke-test.js';

/** The steps, in pipeline order. */
export const STEPS: Command[] = [
  // The setup action's installer is written against the runner's tool cache (src/actions/setup).
  pendingCommand(
    'setup',
    "locally, 'npm run tools' installs the pinned helm, kubectl, kind and kwok into .tools/bin",
  ),
  lintCommand,
  deployCommand,
  smokeTestCommand,
  rollbackCommand,
];

export function findStep(name: string): Command | undefined {
  return STEPS.find((c) => c.name === name);
}
