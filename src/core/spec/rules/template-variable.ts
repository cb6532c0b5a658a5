import type { Diagnostic } from "../../diagnostics.js";
import { segOffset } from "../model.js";
import { atLine, type SpecRule } from "../rule.js";
import { TEMPLATE_VARIABLE } from "../values.js";

/** Code blocks in these languages use `{{ }}` for their own templating (Helm, Jinja, Actions...): not ours. */
const SCANNED_LANGS = new Set([
  "",
  "bash",
  "sh",
  "shell",
  "zsh",
  "console",
  "sql",
  "text",
  "txt",
  "markdown",
  "md",
]);

const rule: SpecRule = {
  id: "spec/template-variable",
  severity: "error",
  description:
    "A template variable such as `{{FEATURE_TITLE}}` or `{{ISSUE}}` is left in the spec (one finding per " +
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions syntax, quoted on purpose
    "line). `${{ ... }}` expressions and code blocks in templating languages (yaml, html, jinja...) are not scanned.",
  check(model, env) {
    const hits = new Map<number, { column: number; names: string[] }>();
    const add = (line: number, column: number, name: string) => {
      const h = hits.get(line);
      if (!h) hits.set(line, { column, names: [name] });
      else if (!h.names.includes(name)) h.names.push(name);
    };
    for (const run of model.runs) {
      for (const seg of run.segs) {
        if (seg.kind !== "text" && seg.kind !== "code") continue;
        TEMPLATE_VARIABLE.lastIndex = 0;
        for (let m = TEMPLATE_VARIABLE.exec(seg.text); m; m = TEMPLATE_VARIABLE.exec(seg.text)) {
          const offset = segOffset(seg, m.index);
          if (model.skipped(offset)) continue;
          const p = model.at(offset);
          add(p.line, p.column, m[0].replace(/\s+/g, ""));
        }
      }
    }
    for (const block of model.codeBlocks) {
      if (!SCANNED_LANGS.has(block.lang ?? "") || model.skipped(block.offset)) continue;
      block.value.split("\n").forEach((text, i) => {
        TEMPLATE_VARIABLE.lastIndex = 0;
        for (let m = TEMPLATE_VARIABLE.exec(text); m; m = TEMPLATE_VARIABLE.exec(text)) {
          add(block.contentLine + i, block.indent + m.index + 1, m[0].replace(/\s+/g, ""));
        }
      });
    }
    const issue = model.issue ?? env.issue;
    const out: Diagnostic[] = [];
    for (const [line, h] of [...hits.entries()].sort((a, b) => a[0] - b[0])) {
      const issueVar = h.names.every((n) => /^\{\{(ISSUE|ISSUE_NUMBER)\}\}$/i.test(n));
      const fix =
        issueVar && issue !== null
          ? `replace with ${issue}`
          : "replace with the real value (wm spec new fills the mechanical ones)";
      out.push(
        atLine(
          rule,
          model,
          line,
          h.column,
          `template variable${h.names.length > 1 ? "s" : ""} ${h.names.join(", ")} left in`,
          fix,
        ),
      );
    }
    return out;
  },
};
export default rule;
