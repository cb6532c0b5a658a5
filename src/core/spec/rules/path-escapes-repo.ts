import type { Diagnostic } from "../../diagnostics.js";
import { refsOf } from "../refs.js";
import { at, q, type SpecRule } from "../rule.js";

const rule: SpecRule = {
  id: "spec/path-escapes-repo",
  severity: "error",
  description:
    "A path points outside the repository: `../` climbing above the root, an absolute or `~/` path in a path " +
    "column or path field, or a symlink whose target lies outside. Such a path is reported and never read. " +
    "(Absolute paths in prose are routes or system paths and are left alone.)",
  check(model, env) {
    const out: Diagnostic[] = [];
    for (const ref of refsOf(model, env.repo)) {
      if (model.skipped(ref.offset)) continue;
      if (ref.escapes === "parent") {
        out.push(
          at(
            rule,
            model,
            ref.offset,
            `${q(ref.raw)} climbs out of the repository`,
            "use a path relative to the repository root",
          ),
        );
      } else if (ref.escapes === "absolute" || ref.escapes === "home") {
        out.push(
          at(
            rule,
            model,
            ref.offset,
            `${q(ref.raw)} is ${ref.escapes === "home" ? "a home-directory" : "an absolute"} path, outside the repository`,
            "use a path relative to the repository root",
          ),
        );
      } else if (!ref.variable && env.repo.symlinkEscapes(ref.path.replace(/\/$/, ""))) {
        out.push(
          at(
            rule,
            model,
            ref.offset,
            `${q(ref.raw)} goes through a symlink that points outside the repository (not followed)`,
          ),
        );
      }
    }
    return out;
  },
};
export default rule;
