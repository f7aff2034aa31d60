// actions/setup's inputs: read through core.getInput, validated by src/setup/inputs.ts.
import * as core from '@actions/core';
import { registerSecret } from '../../secrets/redact.js';
import { parseInputs, type Inputs } from '../../setup/inputs.js';

export { parseBaseUrl, parseInputs, parseSha256, tokenFor } from '../../setup/inputs.js';
export type { Inputs } from '../../setup/inputs.js';

/** Reads the action's inputs; the token is masked before anything else can print it. */
export function getInputs(): Inputs {
  const token = core.getInput('token');
  // registerSecret also emits ::add-mask:: (see kit/channels.ts).
  if (token) registerSecret(token);
  return parseInputs((name) => core.getInput(name));
}
