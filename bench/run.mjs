// Startup and hot-path benchmarks. Every figure is a ratio against `node -e 0` measured in the same run,
// interleaved: the median of the ratios of each wm run to the `node -e 0` run just before it (the ms columns
// are the plain medians). Run with: npm run bench   (or node bench/run.mjs after a build)
// NODE_EXTRA_CA_CERTS is removed from the children's environment: it adds ~60 ms to every Node start
// on this machine and would hide wm's own cost.

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
// Measure a snapshot of the built package, so a rebuild during the run cannot disturb it.
const snap = join(root, "bench", ".out", "pkg");
rmSync(snap, { recursive: true, force: true });
for (const part of ["bin", "dist", "templates", "package.json"])
  cpSync(join(root, part), join(snap, part), { recursive: true });
const bin = join(snap, "bin", "wm.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 41);
const env = { ...process.env, NO_COLOR: "1" };
delete env.NODE_EXTRA_CA_CERTS;
delete env.WM_ROOT;

// The generator uses wm's own emitter so the file is exactly what wm writes.
const outDir = join(root, "bench", ".out");
mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [join(root, "src/core/tasks-format.ts")],
  outfile: join(outDir, "format.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  logLevel: "warning",
});
const { emitTaskFile } = await import(join(outDir, "format.mjs"));
const { makeTasks } = await import("./gen-tasks.mjs");

function time(cmd, args, cwd, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    ...(input === undefined ? {} : { input }),
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function measure(label, args, cwd, limit, input) {
  const base = [];
  const wm = [];
  time(process.execPath, [bin, ...args], cwd, input); // warm the page cache
  for (let i = 0; i < runs; i++) {
    base.push(time(process.execPath, ["-e", "0"], cwd, input === undefined ? undefined : ""));
    wm.push(time(process.execPath, [bin, ...args], cwd, input));
  }
  // Each wm run is paired with the `node -e 0` run just before it: the ratio is the median of the pairs'
  // ratios, so a slow stretch of the shared machine weighs on both sides of a pair alike.
  const ratios = wm.map((w, i) => w / base[i]);
  return { label, baseline: median(base), wm: median(wm), ratio: median(ratios), limit };
}

function repoWith(n) {
  const dir = mkdtempSync(join(tmpdir(), `wm-bench-${n}-`));
  spawnSync("git", ["init", "-q"], { cwd: dir });
  mkdirSync(join(dir, ".wm"));
  writeFileSync(join(dir, ".wm", "tasks.yaml"), emitTaskFile({ version: 1, tasks: makeTasks(n) }));
  return dir;
}

// Every `wm hook <event>` with a real-shaped payload, in a session in the implementation mode of an issue
// with open tasks (Stop blocks), at 10,000 tasks. Limit 1.5x: a hook runs on every tool call.
function measureHooks(dir, n) {
  const sid = "bench-session";
  const r = spawnSync(process.execPath, [bin, "enter", "implementation", "--issue", "7", "--session", sid], {
    cwd: dir,
    env,
  });
  if (r.status !== 0) throw new Error(`wm enter failed: ${r.stderr}`);
  const base = { session_id: sid, transcript_path: "/tmp/t.jsonl", cwd: dir };
  const file = join(dir, "src", "app.ts");
  const cases = [
    ["session-start", { hook_event_name: "SessionStart", source: "startup" }],
    ["user-prompt-submit", { hook_event_name: "UserPromptSubmit", prompt: "go on" }],
    [
      "pre-tool-use",
      { hook_event_name: "PreToolUse", tool_name: "Write", tool_input: { file_path: file, content: "x" } },
      "Write",
    ],
    [
      "pre-tool-use",
      { hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command: "wm tasks done zzzzzz" } },
      "Bash done",
    ],
    [
      "post-tool-use",
      { hook_event_name: "PostToolUse", tool_name: "Edit", tool_input: { file_path: file } },
      "Edit",
    ],
    ["stop", { hook_event_name: "Stop", stop_hook_active: false, background_tasks: [] }],
    ["session-end", { hook_event_name: "SessionEnd", reason: "other" }],
  ];
  return cases.map(([event, payload, what]) =>
    measure(
      `wm hook ${event}${what ? ` ${what}` : ""} (${n})`,
      ["hook", event],
      dir,
      1.5,
      JSON.stringify({ ...base, ...payload }),
    ),
  );
}

const results = [];
const small = repoWith(0);
results.push(measure("wm --version", ["--version"], small, 1.3));
for (const [n, limit] of [
  [1000, 1.5],
  [10000, 2.0],
]) {
  const dir = repoWith(n);
  results.push(measure(`wm tasks ready (${n} tasks)`, ["tasks", "ready"], dir, limit));
  results.push(
    measure(`wm tasks list --issue 7 (${n} tasks)`, ["tasks", "list", "--issue", "7"], dir, limit),
  );
  if (n === 10000) results.push(...measureHooks(dir, n));
  results.push(
    measure(
      `wm tasks create (${n} tasks)`,
      ["tasks", "create", "--title=bench task", "--type=impl", "--issue=7"],
      dir,
      limit,
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}
rmSync(small, { recursive: true, force: true });

const pad = (s, n) => String(s).padEnd(n);
console.log(
  `node ${process.version}, ${runs} runs each, interleaved; ratio = median of paired ratios; NODE_EXTRA_CA_CERTS unset`,
);
console.log(`${pad("command", 44)}${pad("node -e 0", 11)}${pad("wm", 10)}${pad("ratio", 8)}target`);
let failed = 0;
for (const r of results) {
  const ok = r.ratio <= r.limit;
  if (!ok) failed++;
  console.log(
    `${pad(r.label, 44)}${pad(`${r.baseline.toFixed(1)} ms`, 11)}${pad(`${r.wm.toFixed(1)} ms`, 10)}${pad(`${r.ratio.toFixed(2)}x`, 8)}<= ${r.limit}x ${ok ? "ok" : "OVER"}`,
  );
}
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
process.exitCode = failed > 0 && process.env.BENCH_STRICT === "1" ? 1 : 0;
