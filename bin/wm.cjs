#!/usr/bin/env node
// Tiny shim: enable the compile cache where Node has it (22+), then load the bundle. `wm --version` is
// answered here, from package.json, without loading the bundle at all.
"use strict";
const argv = process.argv;
if (argv.length === 3 && (argv[2] === "--version" || argv[2] === "-v")) {
  process.stdout.write(`${require("../package.json").version}\n`);
} else {
  const mod = require("node:module");
  if (typeof mod.enableCompileCache === "function") {
    try {
      mod.enableCompileCache();
    } catch {}
  }
  require("../dist/wm.cjs");
}
