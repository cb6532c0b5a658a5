#!/usr/bin/env bash
# The demo: wm's main job on a throwaway repository. Run with `npm run demo` (it builds first).
# An issue becomes a spec; `wm spec check` catches what a half-filled spec still lacks; the filled spec's
# task breakdown becomes the task graph; the graph is worked, with `ready` moving as tasks complete.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wm() { node "$here/bin/wm.cjs" "$@"; }
step() {
  local shown=""
  for a in "$@"; do case "$a" in *[[:space:]]*) shown+=" '$a'" ;; *) shown+=" $a" ;; esac; done
  printf '\n\033[1m$ wm%s\033[0m\n' "$shown"
  wm "$@"
}
say() { printf '\n\033[2m# %s\033[0m\n' "$*"; }

repo="$(mktemp -d "${TMPDIR:-/tmp}/wm-demo-XXXXXX")"
trap 'rm -rf "$repo"' EXIT
# A small web shop with a few commits of history (test/fixtures/spec-repo.txt).
node --input-type=module -e "
  const m = await import('$here/scripts/spec-corpus.mjs');
  const shas = m.buildSpecRepo('$repo');
  const fs = await import('node:fs');
  fs.writeFileSync('$repo/.git/demo-shas.json', JSON.stringify(shas));
"
cd "$repo"
echo "demo repository: $repo ($(git log --oneline | wc -l) commits, $(git ls-files | wc -l) files)"

step init
git add -A && git commit -qm "wm init"

say "An issue (the local provider; GitHub when configured):"
printf '## Acceptance Criteria\n\n- Deploys to production from main via a workflow\n- Rollback documented and tested\n' > /tmp/wm-demo-issue.md
step issue create --title="Production deploy workflow" --type=feature --body-file=/tmp/wm-demo-issue.md
rm -f /tmp/wm-demo-issue.md

say "The issue becomes a planning spec from the infrastructure template (the original seed, verbatim):"
spec=$(wm spec new infrastructure --issue 1)
echo "$spec"
sed -n '40,48p' "$spec"

say "Freshly rendered, the spec is all placeholders. wm spec check says where, as file:line:col:"
wm spec check "$spec" | head -n 12 || true
echo "  ..."
wm spec check "$spec" | tail -n 1 || true

say "A filled-in spec that points at things that are not there: one finding of each kind (file:line:col):"
half="planning/specs/1-first-draft.md"
node --input-type=module -e "
  const m = await import('$here/scripts/spec-corpus.mjs');
  const fs = await import('node:fs');
  const shas = JSON.parse(fs.readFileSync('.git/demo-shas.json', 'utf8'));
  const text = fs.readFileSync('$here/test/fixtures/specs/corpus/defects-infra.md', 'utf8');
  fs.writeFileSync('$half', m.fillShas(text, shas).replaceAll('239', '1'));
"
wm spec check "$half" | grep -E '^planning' | awk '!seen[$3]++' || true

say "The agent fills it in completely; now it passes the gate:"
node --input-type=module -e "
  const m = await import('$here/scripts/spec-corpus.mjs');
  const fs = await import('node:fs');
  const shas = JSON.parse(fs.readFileSync('.git/demo-shas.json', 'utf8'));
  const text = fs.readFileSync('$here/test/fixtures/specs/corpus/clean-infra.md', 'utf8');
  fs.writeFileSync('$spec', m.fillShas(text, shas).replaceAll('239', '1'));
"
rm -f "$half"
step spec check "$spec"

say "Its Task Breakdown becomes the task graph (epic parent; phases in order; the verify gate fans out):"
step spec tasks "$spec"
step tasks graph --issue=1
step tasks ready

say "An implementation session on issue 1: it cannot end while the issue's tasks are open (the Stop hook asks the same):"
step enter implementation --issue 1
step can-exit || true

say "Work the graph: ready moves as tasks complete."
ids() { wm tasks list --issue=1 --json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{for(const t of JSON.parse(s).data)console.log(t.id+' '+t.title)})"; }
id_of() { ids | grep -F "$1" | head -n 1 | cut -d' ' -f1; }
analysis=$(id_of "Analyze current infrastructure")
backup=$(id_of "Create backups")
impl=$(id_of "Implement infrastructure changes")
config=$(id_of "Update configuration")
staging=$(id_of "Deploy and verify on staging")
docs=$(id_of "Update documentation")
step tasks start "$analysis"
step tasks done "$analysis" --evidence="inventory of workflows in planning/research"
step tasks done "$backup" --evidence="database snapshot taken"
step tasks ready

say "A verify task cannot be done without evidence, nothing can be done out of order, and a cycle is refused:"
step tasks done "$staging" || true
step tasks done "$docs" --evidence="skipped" || true
step tasks dep add "$analysis" "$docs" || true

step tasks done "$impl" --evidence="PR merged"
step tasks done "$config" --evidence="config applied"
step tasks done "$staging" --evidence-cmd="git log --oneline -1"
step tasks ready --explain
rollback=$(id_of "Test rollback procedure")
epic=$(wm tasks list --issue=1 --type=epic --json | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).data[0].id))")
step tasks done "$rollback" --evidence="rolled back staging to the previous release and forward again"
step tasks done "$docs" --evidence="docs/runbooks/deploy.md updated"
step tasks done "$epic" --evidence="all phases done"
step tasks check
say "Everything is done, with evidence: now the session may end."
step can-exit
step exit
