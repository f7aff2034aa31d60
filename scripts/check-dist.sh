#!/usr/bin/env bash
# Rebuilds every action bundle and fails when the committed dist/ differs.
set -euo pipefail
npm run -s build
if [ -n "$(git status --porcelain -- 'actions/*/dist')" ]; then
  echo "actions/*/dist is out of date with src/. Run 'npm run build' and commit the result:" >&2
  git status --porcelain -- 'actions/*/dist' >&2
  git diff --stat -- 'actions/*/dist' >&2
  exit 1
fi
echo "dist is up to date"
