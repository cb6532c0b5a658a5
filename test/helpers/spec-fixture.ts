// The spec fixture the cache tests share: the fixture repository (test/fixtures/spec-repo.txt, real git
// history) as a wm project, with one corpus spec written into planning/specs/, its commit placeholders filled.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSpecRepo, CORPUS, fillShas } from "../../scripts/spec-corpus.mjs";
import { tempDir } from "./cli.js";

export const FIXTURE_SPEC = "planning/specs/240-backups.md";

/** A temp repository holding the corpus spec `name` at FIXTURE_SPEC; `original` is its text. */
export function specFixture(prefix: string, name = "defects-infra.md"): { repo: string; original: string } {
  const repo = tempDir(prefix);
  const shas = buildSpecRepo(repo);
  mkdirSync(join(repo, ".wm"));
  mkdirSync(join(repo, "planning/specs"), { recursive: true });
  const original = fillShas(readFileSync(join(CORPUS, name), "utf8"), shas);
  writeFileSync(join(repo, FIXTURE_SPEC), original);
  return { repo, original };
}
