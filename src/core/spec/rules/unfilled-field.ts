import type { FillState } from "../model.js";
import { at, q, type SpecRule } from "../rule.js";
import { isUnfilled } from "../values.js";

export function why(state: FillState): string {
  if (state === "comment") return "holds only a template comment";
  if (state === "placeholder") return "holds only a placeholder";
  return "is empty";
}

const rule: SpecRule = {
  id: "spec/unfilled-field",
  severity: "error",
  description:
    "A field (`**Label:** value`), a list, a paragraph slot or a code block that asks to be filled holds " +
    "nothing, only a template comment, or a placeholder such as TBD. A guidance comment beside real content " +
    "is fine; N/A sections (with a reason), sections gated by a No answer and untouched optional sections are skipped.",
  check(model) {
    const out = [];
    for (const slot of model.slots) {
      if (slot.kind === "cell" || !isUnfilled(slot.state) || model.skipped(slot.offset)) continue;
      let message: string;
      if (slot.kind === "field") message = `field ${q(slot.label)} ${why(slot.state)}`;
      else if (slot.kind === "list") message = `the list under ${q(slot.label)} ${why(slot.state)}`;
      else if (slot.kind === "code") message = `the ${q(slot.label)} code block ${why(slot.state)}`;
      else message = `section ${q(slot.label)} ${why(slot.state)}`;
      out.push(
        at(
          rule,
          model,
          slot.offset,
          message,
          "fill it in from the repository, or mark the section N/A with a reason",
        ),
      );
    }
    for (const { section, offset } of model.naWithoutReason) {
      out.push(
        at(
          rule,
          model,
          offset,
          `section ${q(section.title)} is marked N/A without a reason`,
          'say why, e.g. "N/A: no schema change"',
        ),
      );
    }
    return out;
  },
};
export default rule;
