import type { Diagnostic } from "../../diagnostics.js";
import { basename, closest, createdPaths, dirname, type PathRef, refsOf, suggestPath } from "../refs.js";
import type { SpecRepo } from "../repo.js";
import { at, q, type SpecRule } from "../rule.js";
import { nextNumber } from "./template-marker.js";

function exists(ref: PathRef, repo: SpecRepo): boolean {
  const p = ref.path.replace(/\/$/, "");
  if (ref.dir) return repo.hasDir(p);
  if (repo.hasFile(p) || repo.hasDir(p)) return true;
  // A bare file name (`README.md` in prose or a File column) may live anywhere.
  return !p.includes("/") && repo.withBasename(p).length > 0;
}

function where(ref: PathRef): string {
  if (ref.source === "column") return ` (${ref.label} column)`;
  if (ref.source === "field") return ` (${ref.label})`;
  return "";
}

const rule: SpecRule = {
  id: "spec/missing-path",
  severity: "error",
  description:
    "A path the spec relies on does not exist: a Modify/Delete row, a Related files / Based On / File cell, a " +
    "`Files changed:` value, or a backticked path in prose. A Create row (or a New Files entry) must not exist " +
    "yet, and its directory must exist or be created by the spec. A row whose change type is still a choice " +
    "(`Create/Modify`) is not judged. URLs, package names, env var names, commands " +
    "and routes (`/api/...`) are not paths.",
  check(model, env) {
    const repo = env.repo;
    const refs = refsOf(model, repo);
    const created = createdPaths(refs);
    const out: Diagnostic[] = [];
    for (const ref of refs) {
      if (ref.escapes || ref.variable || ref.marker || ref.glob || model.skipped(ref.offset)) continue;
      // `Create/Modify` left open: whether the file should exist is not decided (unresolved-choice says so).
      if (ref.intent === "undecided") continue;
      if (repo.symlinkEscapes(ref.path.replace(/\/$/, ""))) continue;
      const p = ref.path.replace(/\/$/, "");
      if (ref.intent === "exist") {
        if (exists(ref, repo)) continue;
        const hint = suggestPath(p, repo);
        out.push(
          at(
            rule,
            model,
            ref.offset,
            `${q(ref.raw)} does not exist${where(ref)}`,
            hint ? `did you mean ${hint}?` : "check the path against `git ls-files`, or mark the row Create",
          ),
        );
      } else if (ref.intent === "mention" || ref.intent === "planned") {
        if (exists(ref, repo) || created.files.has(p) || created.dirs.has(p)) continue;
        if (!p.includes("/") && created.basenames.has(p)) continue;
        const hint = suggestPath(p, repo);
        out.push(
          at(
            rule,
            model,
            ref.offset,
            `${q(ref.raw)} does not exist and the spec does not create it`,
            hint
              ? `did you mean ${hint}?`
              : "fix the path, or list the file under New Files if the change creates it",
          ),
        );
      } else {
        if (ref.intent === "create" && !ref.dir && repo.hasFile(p)) {
          out.push(
            at(
              rule,
              model,
              ref.offset,
              `${q(ref.raw)} is marked as new but already exists${where(ref)}`,
              "mark it Modify, or choose a path that is free",
            ),
          );
          continue;
        }
        const parent = dirname(p);
        // Sequence numbers (0042_x.sql), not dates (2024-01-05-x.md) or timestamps.
        const numbered = /^(\d{1,6})[_.-](?!\d)/.exec(basename(p));
        if (numbered && !repo.hasFile(p)) {
          // A new numbered file (a migration) whose number another file in the directory already has.
          const taken = repo
            .listDir(parent)
            .find((n) => n.startsWith(numbered[1]!) && /^[_.-]/.test(n.slice(numbered[1]!.length)));
          if (taken) {
            const next = nextNumber(parent, numbered[1]!, repo);
            out.push(
              at(
                rule,
                model,
                ref.offset,
                `${q(ref.raw)} reuses number ${numbered[1]}, already taken by ${taken}`,
                `the next free number in ${parent === "" ? "the repository root" : `${parent}/`} is ${next}`,
              ),
            );
            continue;
          }
        }
        if (parent === "" || repo.hasDir(parent)) continue;
        // The first directory on the way down that does not exist yet.
        const parts = parent.split("/");
        let k = 0;
        while (k < parts.length && repo.hasDir(parts.slice(0, k + 1).join("/"))) k++;
        const missing = parts.slice(0, k + 1).join("/");
        const elsewhere = refs.some(
          (r) =>
            r !== ref &&
            !r.escapes &&
            (r.path.replace(/\/$/, "") === missing || r.path.startsWith(`${missing}/`)) &&
            r.path.replace(/\/$/, "") !== p,
        );
        if (elsewhere) continue;
        const near = closest(basename(missing), repo.listDir(parts.slice(0, k).join("/")));
        out.push(
          at(
            rule,
            model,
            ref.offset,
            `the directory ${q(`${missing}/`)} of ${q(ref.raw)} does not exist and nothing else in the spec creates it`,
            near
              ? `did you mean ${[...parts.slice(0, k), near].join("/")}/?`
              : "fix the path, or list the new directory in the spec",
          ),
        );
      }
    }
    return out;
  },
};
export default rule;
