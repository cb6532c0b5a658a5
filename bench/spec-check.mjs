// `wm spec check` on a 300-line spec in a repository of 50,000 files, as a ratio against `node -e 0`
// measured in the same run, interleaved, medians. Run after a build: node bench/spec-check.mjs
// (BENCH_RUNS=N for more or fewer runs, BENCH_FILES=N for another repository size).
// The repository is generated once under bench/.out/spec-repo (git add of 50,000 files takes a while).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "wm.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 15);
const files = Number(process.env.BENCH_FILES ?? 50_000);
const env = { ...process.env, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;
delete env.WM_ROOT;

const repo = join(root, "bench", ".out", `spec-repo-${files}`);

function git(...args) {
  const r = spawnSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: { ...env, GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z" },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

if (!existsSync(join(repo, ".git"))) {
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "bench@example.invalid");
  git("config", "user.name", "bench");
  for (let i = 0; i < files; i++) {
    const dir = join(repo, `packages/pkg${i % 50}/src/mod${Math.floor(i / 50) % 100}`);
    if (i < 5000) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `file${i}.ts`), `export const v${i} = ${i};\n`.repeat(1 + (i % 40)));
  }
  mkdirSync(join(repo, "apps/web/migrations"), { recursive: true });
  for (let i = 1; i <= 40; i++)
    writeFileSync(join(repo, `apps/web/migrations/${String(i).padStart(4, "0")}_m.sql`), "SELECT 1;\n");
  git("add", "-A");
  git("commit", "-q", "-m", "generated");
}
const head = git("rev-parse", "--short", "HEAD");

// A 300-line spec: the seed template filled against the generated repository, its tables grown.
const seed = readFileSync(join(root, "test/fixtures/specs/seed-infrastructure.md"), "utf8");
const rows = Array.from({ length: 60 }, (_, i) => {
  const n = i * 37;
  return `| \`packages/pkg${n % 50}/src/mod${Math.floor(n / 50) % 100}/file${n}.ts\` | module ${n} | 1-${1 + (n % 40)} |`;
}).join("\n");
const spec = seed
  .replaceAll("{{FEATURE_TITLE}}", "Generated")
  .replaceAll("{{ISSUE_NUMBER}}", "7")
  .replaceAll("{{ISSUE}}", "7")
  .replace("| <!-- e.g., .github/workflows/deploy.yml --> | <!-- --> | <!-- --> |", rows)
  .replace("Commit/PR: <!-- e.g., #123 or commit abc1234 -->", `Commit/PR: ${head}`);
mkdirSync(join(repo, "planning/specs"), { recursive: true });
writeFileSync(join(repo, "planning/specs/7-generated.md"), spec);

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const check = [bin, "spec", "check", "planning/specs/7-generated.md", "--min-score", "0"];
time(check);
const base = [];
const wm = [];
for (let i = 0; i < runs; i++) {
  base.push(time(["-e", "0"]));
  wm.push(time(check));
}
const b = median(base);
const w = median(wm);
const lines = spec.split("\n").length;
process.stdout.write(
  `spec check: ${lines}-line spec, ${files} files: ${w.toFixed(0)} ms, node -e 0: ${b.toFixed(0)} ms, ratio ${(w / b).toFixed(2)}x (target <= 3x)\n`,
);
