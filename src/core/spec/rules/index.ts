// Every spec rule, in the order their findings are documented. Add a rule here and to docs/agent-contract.md.

import type { SpecRule } from "../rule.js";
import bashSyntax from "./bash-syntax.js";
import globNoMatch from "./glob-no-match.js";
import lineRange from "./line-range.js";
import missingPath from "./missing-path.js";
import pathEscapesRepo from "./path-escapes-repo.js";
import secret from "./secret.js";
import sqlSyntax from "./sql-syntax.js";
import taskBreakdown from "./task-breakdown.js";
import templateMarker from "./template-marker.js";
import templateVariable from "./template-variable.js";
import unfilledCell from "./unfilled-cell.js";
import unfilledField from "./unfilled-field.js";
import unknownCommit from "./unknown-commit.js";
import unresolvedChoice from "./unresolved-choice.js";

export const SPEC_RULES: readonly SpecRule[] = [
  unfilledField,
  unfilledCell,
  templateVariable,
  templateMarker,
  unresolvedChoice,
  missingPath,
  lineRange,
  globNoMatch,
  unknownCommit,
  pathEscapesRepo,
  secret,
  sqlSyntax,
  bashSyntax,
  taskBreakdown,
];
