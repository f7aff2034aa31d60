// What a release changes in the reusable workflows so that a caller gets the
// actions of the very commit it pinned. GitHub resolves `uses: ./actions/<name>`
// in the caller's workspace, so in a release the workflows name their actions
// by repository and full commit SHA instead; the runner then downloads them
// itself (its own credentials, the same server: private repositories and
// GitHub Enterprise included), and act resolves the same lines with
// --local-repository. A nested `uses: ./.github/workflows/<file>` is pinned the
// same way, to the commit whose workflows already pin their actions.

/** The workflow-level env marker: `workspace` on a branch, `<owner>/<repo>@<sha>` in a release. */
export const ACTIONS_MARKER = /^(\s*HOTSWAP_ACTIONS:\s*)workspace[ \t]*$/m;

const LOCAL_ACTION = /^(\s*(?:-\s+)?uses:\s*)\.\/actions\/([\w.-]+)[ \t]*$/gm;
const LOCAL_WORKFLOW = /^(\s*(?:-\s+)?uses:\s*)\.\/(\.github\/workflows\/[\w.-]+\.ya?ml)[ \t]*$/gm;

const SHA = /^[0-9a-f]{40}$/;
const REPOSITORY = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

function check(repository: string, sha: string): void {
  if (!REPOSITORY.test(repository))
    throw new Error(`repository is '${repository}'; expected <owner>/<repo>`);
  if (!SHA.test(sha)) throw new Error(`commit is '${sha}'; expected a full 40-character SHA`);
}

export interface Pinned {
  text: string;
  /** How many `uses:` lines were rewritten. */
  count: number;
}

/**
 * `uses: ./actions/<name>` -> `uses: <repository>/actions/<name>@<sha>`, and the
 * HOTSWAP_ACTIONS marker set to `<repository>@<sha>`. A workflow that uses
 * local actions must carry the marker (its first step reads it).
 */
export function pinActions(text: string, repository: string, sha: string): Pinned {
  check(repository, sha);
  let count = 0;
  const out = text.replace(LOCAL_ACTION, (_m, head: string, name: string) => {
    count++;
    return `${head}${repository}/actions/${name}@${sha}`;
  });
  if (count === 0) return { text, count };
  if (!ACTIONS_MARKER.test(out))
    throw new Error(
      'the workflow uses ./actions but has no `HOTSWAP_ACTIONS: workspace` env marker to pin',
    );
  return { text: out.replace(ACTIONS_MARKER, `$1${repository}@${sha}`), count };
}

/** `uses: ./.github/workflows/<file>` -> `uses: <repository>/.github/workflows/<file>@<sha>`. */
export function pinWorkflowCalls(text: string, repository: string, sha: string): Pinned {
  check(repository, sha);
  let count = 0;
  const out = text.replace(LOCAL_WORKFLOW, (_m, head: string, file: string) => {
    count++;
    return `${head}${repository}/${file}@${sha}`;
  });
  return { text: out, count };
}

/** Whether a workflow file is reusable (has an `on: workflow_call` trigger). */
export function isReusable(text: string): boolean {
  return /^\s*workflow_call\s*:/m.test(text);
}
