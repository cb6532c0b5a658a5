import type { Diagnostic } from "../../diagnostics.js";
import { type SpecModel, segOffset } from "../model.js";
import { at, q, type SpecRule } from "../rule.js";

const COMMIT_FIELD = /\bcommits?\b|^(commit\/pr|pr\/commit|sha|git sha)$/i;
/** A hex word standing alone: not part of a UUID, a path, a URL, a `#ref` or a longer word. */
const HEX = /(?<![\w\-./#:@$%])[0-9a-f]{7,40}(?![\w\-/@%]|\.\w)/g;

export interface CommitMention {
  sha: string;
  offset: number;
}

/** Every commit the spec names: hex words (with a digit and a letter) in text, any hex word in a Commit field. */
export function commitMentions(model: SpecModel): CommitMention[] {
  const out: CommitMention[] = [];
  for (const run of model.runs) {
    if (run.where === "heading" || run.where === "quote") continue;
    const inCommitField = run.field !== undefined && COMMIT_FIELD.test(run.field.label);
    for (const seg of run.segs) {
      if ((seg.kind !== "text" && seg.kind !== "code") || seg.link) continue;
      if (seg.kind === "code" && !/^[0-9a-f]{7,40}$/.test(seg.text.trim())) continue;
      HEX.lastIndex = 0;
      for (let m = HEX.exec(seg.text); m; m = HEX.exec(seg.text)) {
        const sha = m[0];
        const mixed = /[0-9]/.test(sha) && /[a-f]/.test(sha);
        if (!mixed && !inCommitField) continue;
        if (/^[0-9]+$/.test(sha)) continue;
        const offset = segOffset(seg, m.index);
        if (model.skipped(offset)) continue;
        out.push({ sha, offset });
      }
    }
  }
  return out;
}

const rule: SpecRule = {
  id: "spec/unknown-commit",
  severity: "error",
  description:
    "A commit named in a `Commit/PR:` field or as a hex sha in the text (7-40 hex digits) is not in the " +
    "repository's history. `#123` pull request references are not commits.",
  check(model, env) {
    const out: Diagnostic[] = [];
    for (const c of commitMentions(model)) {
      if (env.repo.commitExists(c.sha)) continue;
      out.push(
        at(
          rule,
          model,
          c.offset,
          `commit ${q(c.sha)} is not in this repository's history`,
          "check it with `git log --oneline`; fetch first if it is on another branch",
        ),
      );
    }
    return out;
  },
};
export default rule;
