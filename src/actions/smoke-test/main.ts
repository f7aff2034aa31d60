// The smoke-test action: the smoke-test step (src/smoke/step.ts) run by the action runner.
import { smokeTestStep } from '../../smoke/step.js';
import { actionStep } from '../kit/step-runner.js';

export const main = actionStep(smokeTestStep);
