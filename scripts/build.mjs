// Bundles src/ into one CommonJS file, dist/wm.cjs. Why CommonJS and one file: on Node 20 an ES module
// entry costs ~5 ms more than `node -e 0` before any code runs, and each extra module file costs more
// (docs/decisions/0004-build-and-startup.md). Our own code is inlined behind esbuild's lazy module
// wrappers, so a command only runs the modules it uses; third-party packages (yaml, zod, ...) stay in
// node_modules and are loaded on first use only.
import { readFileSync, renameSync, rmSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
// Build beside dist/ and swap it in, so a test run reading dist/ meanwhile never sees it half-built.
const tmp = `dist.${process.pid}.tmp`;
await build({
  entryPoints: { wm: "src/cli/main.ts" },
  outdir: tmp,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  packages: "external",
  minify: true,
  legalComments: "none",
  define: { __WM_VERSION__: JSON.stringify(pkg.version), "import.meta.url": "__wm_import_meta_url" },
  banner: { js: 'const __wm_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
renameSync(new URL(`../${tmp}`, import.meta.url), new URL("../dist", import.meta.url));
