// hotswap-ci smoke-test: the smoke-test step from a terminal.
import { smokeTestStep } from '../../smoke/step.js';
import { stepCommand } from '../step-command.js';

export const smokeTestCommand = stepCommand(smokeTestStep);
