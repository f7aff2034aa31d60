// The format of actions/lint/schemas/*.validators.json.gz, written by
// tools/k8s-validators.ts and read by precompiled.ts.

/** Keyword that calls the validator of another definition (a `$ref` between definitions). */
export const REF_KEYWORD = 'x-hotswap-ref';
/** Keyword that rejects undeclared properties when strict validation is on. */
export const CLOSED_KEYWORD = 'x-hotswap-closed';

export interface PrecompiledData {
  source: string;
  kubernetesVersion?: string;
  /** `group/version/Kind` -> definition name, as in SchemaData. */
  kinds: Record<string, string>;
  /** Definition name -> CommonJS source of its ajv standalone validator. */
  definitions: Record<string, string>;
}
