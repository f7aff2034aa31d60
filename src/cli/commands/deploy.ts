// hotswap-ci deploy: the deploy step from a terminal.
import { deployStep } from '../../deploy/step.js';
import { stepCommand } from '../step-command.js';

export const deployCommand = stepCommand(deployStep);
