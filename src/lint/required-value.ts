// A template's `required` fails when a values key is unset, null or empty,
// and helm names the place of the `required` call. Where the user fixes it is
// that key: its entry in a values file, when one sets it (`lokiAddress: null`).

const PATH = String.raw`\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)`;
// `required "msg" .Values.a.b`, the message a quoted or raw string (or a variable)
const ARGUMENT = new RegExp(
  String.raw`^required\s+(?:"(?:[^"\\]|\\.)*"|` + '`[^`]*`' + String.raw`|\S+)\s+\(?${PATH}`,
);
// `.Values.a.b | required "msg"`: the key is piped in from the left
const PIPED = new RegExp(String.raw`${PATH}\s*\|\s*$`);

/**
 * The values key path a `required` call at this 1-based column of a template
 * line reads, or undefined when no `required` starts there or it reads no
 * `.Values` key directly.
 */
export function requiredValuesPath(line: string, column: number): string[] | undefined {
  const at = line.slice(column - 1);
  if (!/^required\b/.test(at)) return undefined;
  const match = ARGUMENT.exec(at) ?? PIPED.exec(line.slice(0, column - 1));
  return match ? match[1]!.slice(1).split('.') : undefined;
}
