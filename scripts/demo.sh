#!/usr/bin/env bash
# The demo: wm's main job on a throwaway repository. Run with `npm run demo` (it builds first).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wm() { node "$here/bin/wm.cjs" "$@"; }
step() {
  local shown=""
  for a in "$@"; do case "$a" in *[[:space:]]*) shown+=" '$a'" ;; *) shown+=" $a" ;; esac; done
  printf '\n\033[1m$ wm%s\033[0m\n' "$shown"
  wm "$@"
}

repo="$(mktemp -d "${TMPDIR:-/tmp}/wm-demo-XXXXXX")"
trap 'rm -rf "$repo"' EXIT
cd "$repo"
git init -q -b main
git config user.email demo@example.invalid
git config user.name "wm demo"
printf '# demo service\n' > README.md
git add README.md && git commit -qm "initial commit"
echo "demo repository: $repo"

step init

echo
echo "# The seed template's task breakdown, as an agent would run it:"
epic=$(wm tasks create --title="GH#239: Infrastructure upgrade" --type=epic --issue=239)
analysis=$(wm tasks create --title="GH#239: Analyze current infrastructure" --type=impl --issue=239)
backup=$(wm tasks create --title="GH#239: Create backups/snapshots" --type=impl --issue=239 --depends-on="$analysis")
impl=$(wm tasks create --title="GH#239: Implement infrastructure changes" --type=impl --issue=239 --depends-on="$backup")
config=$(wm tasks create --title="GH#239: Update configuration" --type=impl --issue=239 --depends-on="$impl")
staging=$(wm tasks create --title="GH#239: Deploy and verify on staging" --type=verify --issue=239 --depends-on="$config")
rollback=$(wm tasks create --title="GH#239: Test rollback procedure" --type=verify --issue=239 --depends-on="$staging")
docs=$(wm tasks create --title="GH#239: Update documentation" --type=impl --issue=239 --depends-on="$staging")
echo "created epic $epic and 7 tasks"

step tasks list --issue=239
step tasks graph --issue=239
step tasks ready

echo
echo "# Work the graph: ready moves as tasks complete."
step tasks start "$analysis"
step tasks done "$analysis" --evidence="inventory of CI workflows written to planning/research"
step tasks done "$backup" --evidence="snapshot db-2026-11-26 taken"
step tasks ready
echo
echo "# A verify task cannot be done without evidence, and nothing can be done out of order:"
wm tasks done "$staging" || true
wm tasks done "$rollback" --evidence="skipped" || true
echo
echo "# A dependency that would close a cycle is refused, with the whole cycle:"
wm tasks dep add "$analysis" "$docs" || true
step tasks done "$impl" --evidence="PR merged"
step tasks done "$config" --evidence="config applied"
step tasks done "$staging" --evidence-cmd="true"
step tasks ready --explain
step tasks list --status=pending
step tasks check
echo
echo "Done. Everything above lives in $repo/.wm/tasks.yaml:"
sed -n '1,20p' .wm/tasks.yaml
