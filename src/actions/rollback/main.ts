// The rollback action: the rollback step (src/rollback/step.ts) run by the action runner.
import { rollbackStep } from '../../rollback/step.js';
import { actionStep } from '../kit/step-runner.js';

export const main = actionStep(rollbackStep);
