import type { Command } from '../command.js';
import { deployCommand } from './deploy.js';
import { lintCommand } from './lint.js';
import { rollbackCommand } from './rollback.js';
import { setupCommand, teardownCommand } from './setup.js';
import { smokeTestCommand } from './smoke-test.js';

/** The steps, in pipeline order. */
export const STEPS: Command[] = [
  setupCommand,
  lintCommand,
  deployCommand,
  smokeTestCommand,
  rollbackCommand,
];

/** Every subcommand but pipeline: the steps, then teardown (deletes what setup created). */
export const COMMANDS: Command[] = [...STEPS, teardownCommand];

export function findStep(name: string): Command | undefined {
  return STEPS.find((c) => c.name === name);
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
