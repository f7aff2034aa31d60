// hotswap-ci rollback: the rollback step from a terminal.
import { rollbackStep } from '../../rollback/step.js';
import { stepCommand } from '../step-command.js';

export const rollbackCommand = stepCommand(rollbackStep);
