// What every use-case receives: where it runs and the few impure things it needs, passed in so tests
// and the MCP server can supply their own.

import { secureRandomBytes } from "../store/builtins.js";
import { findProject, type ProjectPaths } from "../store/paths.js";

export interface Ctx {
  cwd: string;
  env: Record<string, string | undefined>;
  now: () => string;
  randomBytes: (n: number) => Uint8Array;
}

export function defaultCtx(cwd: string, env: Record<string, string | undefined>): Ctx {
  return { cwd, env, now: () => new Date().toISOString(), randomBytes: secureRandomBytes };
}

export function project(ctx: Ctx): ProjectPaths {
  return findProject(ctx.cwd, ctx.env.WM_ROOT);
}
