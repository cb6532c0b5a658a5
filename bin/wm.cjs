#!/usr/bin/env node
// Tiny shim: enable the compile cache where Node has it (22+), then load the bundle. `wm --version` is
// answered here, from package.json, without loading the bundle at all.
// `wm hook <event>` (on every tool call of the agent) goes straight to dist/hook.cjs, without the CLI.
"use strict";
const argv = process.argv;
if (argv.length === 3 && (argv[2] === "--version" || argv[2] === "-v")) {
  // fs.writeSync, not process.stdout: creating the stdout stream on a pipe loads net and streams (~4 ms).
  require("node:fs").writeSync(1, `${require("../package.json").version}\n`);
} else if (argv[2] === "hook" && !argv.includes("--help") && !argv.includes("-h")) {
  try {
    require("../dist/hook.cjs");
  } catch {
    process.exitCode = 0;
  }
} else {
  const mod = require("node:module");
  if (typeof mod.enableCompileCache === "function") {
    try {
      mod.enableCompileCache();
    } catch {}
  }
  require("../dist/wm.cjs");
}
