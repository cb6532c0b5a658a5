import type { Diagnostic } from "../../diagnostics.js";
import { basename, dirname, refsOf } from "../refs.js";
import type { SpecRepo } from "../repo.js";
import { at, q, type SpecRule } from "../rule.js";

/** The next free number in a directory of numbered files (`0042_add_users.sql` -> `0043`). */
export function nextNumber(dir: string, marker: string, repo: SpecRepo): string | null {
  const numbers = repo
    .listDir(dir)
    .map((name) => /^(\d+)(?=[_.-])/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined);
  if (numbers.length === 0) return "1".padStart(marker.length, "0");
  const width = Math.max(...numbers.map((n) => n.length));
  const next = numbers.reduce((max, n) => (BigInt(n) > max ? BigInt(n) : max), 0n) + 1n;
  return next.toString().padStart(width, "0");
}

const rule: SpecRule = {
  id: "spec/template-marker",
  severity: "error",
  description:
    "A template marker such as `XXXX` (or `NNNN`, `YYYYMMDD`) is left in a file name. For a numbered " +
    "directory (migrations) the fix names the next free number, read from the directory.",
  check(model, env) {
    const out: Diagnostic[] = [];
    for (const ref of refsOf(model, env.repo)) {
      if (!ref.marker || ref.escapes || model.skipped(ref.offset)) continue;
      const dir = dirname(ref.path);
      const markerAt = ref.offset + ref.raw.lastIndexOf(ref.marker);
      let fix: string;
      if (dir !== "" && !env.repo.hasDir(dir))
        fix = `the directory ${dir}/ does not exist: check where these files live`;
      else if (/^[XN]+$/i.test(ref.marker)) {
        const next = nextNumber(dir, ref.marker, env.repo);
        fix = `the next free number in ${dir === "" ? "the repository root" : `${dir}/`} is ${next}: ${basename(ref.path).replace(ref.marker, next!)}`;
      } else fix = "replace it with the timestamp the other files in the directory use";
      out.push(at(rule, model, markerAt, `template marker ${ref.marker} left in ${q(ref.raw)}`, fix));
    }
    return out;
  },
};
export default rule;
