// Template use-cases for `wm templates ...` and `wm spec new`. Templates work outside a project too:
// there, only the built-ins exist.

import { WmError } from "../core/errors.js";
import type { ProjectPaths } from "../store/paths.js";
import { listTemplates, readTemplate, type TemplateDoc, type TemplateEntry } from "../store/templates.js";
import { type Ctx, project } from "./context.js";

/** The project, or null outside one. With WM_ROOT set, a wrong root is still an error. */
function projectOrNull(ctx: Ctx): ProjectPaths | null {
  try {
    return project(ctx);
  } catch (err) {
    const rootSet = ctx.env.WM_ROOT !== undefined && ctx.env.WM_ROOT !== "";
    if (err instanceof WmError && !rootSet) return null;
    throw err;
  }
}

export function templateList(ctx: Ctx): TemplateEntry[] {
  return listTemplates(projectOrNull(ctx));
}

export function templateShow(ctx: Ctx, name: string): TemplateDoc {
  return readTemplate(projectOrNull(ctx), name);
}
