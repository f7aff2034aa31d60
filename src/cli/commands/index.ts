import type { Command } from '../command.js';
import { deployCommand } from './deploy.js';
import { pendingCommand } from './pending.js';
import { smokeTestCommand } from './smoke-test.js';

/** The steps, in pipeline order. */
export const STEPS: Command[] = [
  pendingCommand('setup'),
  pendingCommand('lint'),
  deployCommand,
  smokeTestCommand,
  pendingCommand('rollback'),
];

export function findStep(name: string): Command | undefined {
  return STEPS.find((c) => c.name === name);
}
