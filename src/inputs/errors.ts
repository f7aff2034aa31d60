/** An input that failed validation. The message names the input, the value and what is expected. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`Invalid input '${input}': ${JSON.stringify(value)}. Expected ${expected}.`);
    this.name = 'InputError';
  }
}
