import type { Command } from '../command.js';
import { deployCommand } from './deploy.js';
import { lintCommand } from './lint.js';
import { pendingCommand } from './pending.js';
import { rollbackCommand } from './rollback.js';
import { smokeTestCommand } from './smoke-test.js';

/** The steps, in pipeline order. */
export const STEPS: Command[] = [
  pendingCommand('setup'),
  lintCommand,
  deployCommand,
  smokeTestCommand,
  rollbackCommand,
];

export function findStep(name: string): Command | undefined {
  return STEPS.find((c) => c.name === name);
}
