import type { Diagnostic } from "../../diagnostics.js";
import { refsOf } from "../refs.js";
import { at, q, type SpecRule } from "../rule.js";

const rule: SpecRule = {
  id: "spec/line-range",
  severity: "error",
  description:
    'A line range given for a file (`path:10-20`, `path#L10-L20`, "lines 45-78" right after a path, "lines 45-78 ' +
    'of `path`" right before it, a Relevant Lines cell) is backwards or goes past the end of the file.',
  check(model, env) {
    const out: Diagnostic[] = [];
    for (const ref of refsOf(model, env.repo)) {
      if (ref.ranges.length === 0 || ref.escapes || ref.glob || ref.variable || model.skipped(ref.offset))
        continue;
      const p = ref.path.replace(/\/$/, "");
      if (env.repo.symlinkEscapes(p)) continue;
      const count = env.repo.lineCount(p);
      if (count === null) continue;
      for (const r of ref.ranges) {
        if (r.start < 1 || r.end < r.start) {
          out.push(
            at(
              rule,
              model,
              r.offset,
              `line range ${q(r.text)} for ${q(ref.raw)} is not a valid range`,
              "write it as start-end with start <= end",
            ),
          );
        } else if (r.end > count) {
          out.push(
            at(
              rule,
              model,
              r.offset,
              `${q(ref.raw)} has ${count} line${count === 1 ? "" : "s"}; ${q(r.text)} is past its end`,
              "re-read the file and give the lines that exist",
            ),
          );
        }
      }
    }
    return out;
  },
};
export default rule;
