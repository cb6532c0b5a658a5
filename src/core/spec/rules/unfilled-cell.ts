import type { Diagnostic } from "../../diagnostics.js";
import { at, q, type SpecRule } from "../rule.js";
import { isUnfilled } from "../values.js";
import { why } from "./unfilled-field.js";

const rule: SpecRule = {
  id: "spec/unfilled-cell",
  severity: "error",
  description:
    "A table cell holds nothing, only a template comment or a placeholder. A row left wholly unfilled is one " +
    "finding; a placeholder row left beside filled rows is ignored.",
  check(model) {
    const out: Diagnostic[] = [];
    const reportedRows = new Set<string>();
    for (const slot of model.slots) {
      if (slot.kind !== "cell" || !isUnfilled(slot.state) || model.skipped(slot.offset)) continue;
      const table = slot.table!;
      const row = table.rows[slot.row!]!;
      const name = table.caption ?? model.sections[table.section]?.title ?? "table";
      if (row.cells.every((c) => isUnfilled(c.state))) {
        const key = `${table.offset}:${slot.row}`;
        if (reportedRows.has(key)) continue;
        reportedRows.add(key);
        out.push(
          at(
            rule,
            model,
            slot.offset,
            `row ${slot.row! + 1} of the ${q(name)} table is not filled in`,
            "fill the row from the repository, or delete it if it does not apply",
          ),
        );
      } else {
        out.push(
          at(
            rule,
            model,
            slot.offset,
            `${q(slot.label)} cell ${why(slot.state)} (${q(name)} table, row ${slot.row! + 1})`,
            "fill the cell in, or write N/A with a reason",
          ),
        );
      }
    }
    return out;
  },
};
export default rule;
