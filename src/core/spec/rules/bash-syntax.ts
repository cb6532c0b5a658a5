import type { Diagnostic } from "../../diagnostics.js";
import { atLine, type SpecRule } from "../rule.js";

export const SHELL_LANGS = new Set(["bash", "sh", "shell"]);

const rule: SpecRule = {
  id: "spec/bash-syntax",
  severity: "error",
  description:
    "A ```bash / ```sh / ```shell block does not pass `bash -n` (a syntax error: an unclosed quote, a stray `fi`...).",
  async check(model, env) {
    const blocks = model.codeBlocks.filter(
      (b) =>
        b.lang !== null &&
        SHELL_LANGS.has(b.lang) &&
        (b.state === "filled" || b.state === "variable") &&
        model.skipped(b.offset) === null,
    );
    // One `bash -n` per block, all at once.
    const results = await Promise.all(blocks.map((b) => env.tools.bashSyntax(b.value)));
    const out: Diagnostic[] = [];
    blocks.forEach((block, k) => {
      const r = results[k]!;
      if (r.ok) return;
      const last = block.value.split("\n").length;
      const line = block.contentLine + Math.min(Math.max((r.line ?? 1) - 1, 0), last - 1);
      const message = `bash: ${r.message ?? "syntax error"}`;
      out.push(
        atLine(rule, model, line, block.indent + 1, message, "fix the command so that `bash -n` accepts it"),
      );
    });
    return out;
  },
};
export default rule;
