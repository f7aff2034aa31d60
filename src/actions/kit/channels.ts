// Everything an action tells the runner goes through here, redacted: log
// lines, annotations, outputs, the job summary and the failure message. The
// action entries never call @actions/core's writers themselves (eslint
// enforces it), so no channel can skip redact().
import * as core from '@actions/core';
import { onSecretLine, redact } from '../../secrets/redact.js';

export type AnnotationProperties = core.AnnotationProperties;

function props(p?: AnnotationProperties): AnnotationProperties | undefined {
  return p && { ...p, title: p.title === undefined ? undefined : redact(p.title) };
}

export function info(text: string): void {
  core.info(redact(text));
}

/** Shown only when the run has step debug logging on (ACTIONS_STEP_DEBUG). */
export function debug(text: string): void {
  core.debug(redact(text));
}

export function notice(text: string, p?: AnnotationProperties): void {
  core.notice(redact(text), props(p));
}

export function warning(text: string, p?: AnnotationProperties): void {
  core.warning(redact(text), props(p));
}

export function error(text: string, p?: AnnotationProperties): void {
  core.error(redact(text), props(p));
}

export function setOutput(name: string, value: string): void {
  core.setOutput(name, redact(value));
}

export async function writeSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(redact(markdown)).write();
}

export function setFailed(message: string): void {
  core.setFailed(redact(message));
}

/**
 * Every line of every secret, registered now or later, becomes an
 * `::add-mask::` command, so the runner masks it in anything we did not write
 * (a tool's own output, another step). Lines on their own: the runner matches
 * a multi-line mask only as a whole.
 */
export function maskSecretsInRunnerLogs(): void {
  onSecretLine((line) => core.setSecret(line));
}
