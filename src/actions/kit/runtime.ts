// The one place that turns a thrown error into a failed step. Entry files call
// runAction(main, post?) and nothing else.
import * as core from '@actions/core';
import { debug, maskSecretsInRunnerLogs, setFailed } from './channels.js';
import { StepFailed } from './step-runner.js';

type Step = () => Promise<void>;

/**
 * Runs `main`, or `post` when the runner calls the same bundle again as the
 * action's `post:` step (the runner hands back state saved by the main step).
 */
export function runAction(main: Step, post?: Step): void {
  maskSecretsInRunnerLogs();
  const isPost = core.getState('isPost') === 'true';
  if (!isPost) core.saveState('isPost', 'true');
  const step = isPost ? post : main;
  if (!step) return;
  step().catch((error: unknown) => {
    // The stack shows with ACTIONS_STEP_DEBUG; a failed result has none worth showing.
    if (error instanceof Error && !(error instanceof StepFailed) && error.stack) debug(error.stack);
    setFailed(error instanceof Error ? error.message : String(error));
  });
}
