import type { Diagnostic } from "../../diagnostics.js";
import { plainText } from "../model.js";
import { at, q, type SpecRule } from "../rule.js";

const rule: SpecRule = {
  id: "spec/unresolved-choice",
  severity: "error",
  description:
    "A value still lists the template's alternatives instead of one answer: `Yes / No`, `Yes/No`, " +
    "`Create/Modify/Delete`, `Additive (safe) | Destructive (risky) | Data migration`.",
  check(model) {
    const out: Diagnostic[] = [];
    for (const slot of model.slots) {
      if (slot.state !== "choice" || model.skipped(slot.offset)) continue;
      out.push(
        at(
          rule,
          model,
          slot.offset,
          `${q(slot.label)} still offers a choice: pick one`,
          "keep the one answer that applies",
        ),
      );
    }
    for (const list of model.lists) {
      for (const item of list.items) {
        if (item.state !== "choice" || item.isField || model.skipped(item.offset)) continue;
        if (model.slots.some((s) => s.offset === item.offset)) continue;
        out.push(
          at(
            rule,
            model,
            item.offset,
            `list item ${q(plainText(item.segs))} still offers a choice: pick one`,
          ),
        );
      }
    }
    return out;
  },
};
export default rule;
