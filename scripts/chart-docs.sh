#!/usr/bin/env bash
# Generates the chart README (parameters table from the `# --` comments in
# values.yaml) with helm-docs.
#   scripts/chart-docs.sh [chart-dir]          rewrite README.md
#   scripts/chart-docs.sh --check [chart-dir]  fail if README.md is stale or a value is undocumented
# helm-docs comes from $HELM_DOCS, .tools/bin (npm run tools) or PATH.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=false
if [ "${1:-}" = "--check" ]; then
  check=true
  shift
fi
chart=$(cd "${1:-$root/chart/hotswap}" && pwd)

helm_docs=${HELM_DOCS:-}
if [ -z "$helm_docs" ] && [ -x "$root/.tools/bin/helm-docs" ]; then helm_docs=$root/.tools/bin/helm-docs; fi
if [ -z "$helm_docs" ]; then
  helm_docs=$(command -v helm-docs) || {
    echo "helm-docs not found: run 'npm run tools' or set HELM_DOCS" >&2
    exit 1
  }
fi

# Renders README.md inside the given chart directory.
render() {
  "$helm_docs" --chart-search-root "$1" --sort-values-order file --skip-version-footer \
    --log-level warning
}

# helm-docs lists a value without a `# --` comment with an empty description.
undocumented() {
  grep -E '^\| [^|]+ \| [^|]+ \| .* \|  \|$' "$1" | cut -d' ' -f2 || true
}

if ! $check; then
  render "$chart"
  missing=$(undocumented "$chart/README.md")
  if [ -n "$missing" ]; then
    printf 'values without a "# --" comment in %s/values.yaml:\n%s\n' "$chart" "$missing" >&2
    exit 1
  fi
  echo "wrote $chart/README.md"
  exit 0
fi

# Check: render a copy and compare, so the working tree is never touched.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$chart" "$tmp/chart"
render "$tmp/chart"
status=0
if ! diff -u "$chart/README.md" "$tmp/chart/README.md" >"$tmp/diff"; then
  echo "$chart/README.md is out of date with values.yaml. Run 'npm run chart:docs' and commit the result:" >&2
  cat "$tmp/diff" >&2
  status=1
fi
missing=$(undocumented "$tmp/chart/README.md")
if [ -n "$missing" ]; then
  printf 'values without a "# --" comment in %s/values.yaml:\n%s\n' "$chart" "$missing" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "$chart/README.md is up to date"
exit "$status"
