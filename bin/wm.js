#!/usr/bin/env node
// Tiny shim: no logic here. Enable the compile cache where Node has it, then load the bundle.
import module from "node:module";

if (typeof module.enableCompileCache === "function") {
  try {
    module.enableCompileCache();
  } catch {}
}
await import("../dist/cli.js");
