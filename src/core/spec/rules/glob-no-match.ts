import type { Diagnostic } from "../../diagnostics.js";
import { refsOf } from "../refs.js";
import { at, q, type SpecRule } from "../rule.js";

const rule: SpecRule = {
  id: "spec/glob-no-match",
  severity: "error",
  description:
    "A glob the spec relies on (`.claude/rules/*.md`, `src/**/*.test.ts`) matches no file in the repository.",
  check(model, env) {
    const out: Diagnostic[] = [];
    for (const ref of refsOf(model, env.repo)) {
      if (
        !ref.glob ||
        ref.escapes ||
        ref.variable ||
        ref.intent === "create" ||
        ref.intent === "maybe-create" ||
        ref.intent === "undecided"
      )
        continue;
      if (model.skipped(ref.offset)) continue;
      if (env.repo.glob(ref.path.replace(/\/$/, "")).length > 0) continue;
      out.push(
        at(
          rule,
          model,
          ref.offset,
          `${q(ref.raw)} matches no file in the repository`,
          "fix the pattern, or name the files it should match",
        ),
      );
    }
    return out;
  },
};
export default rule;
