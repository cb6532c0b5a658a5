// Task ids: short, random, typeable. No counters, so two branches never mint the same id by construction
// (the chance of a random clash is checked locally on creation and reported by the merge driver).

import { UsageError } from "./errors.js";

/** Crockford's base32, lower case: no i, l, o, u to misread. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const LETTERS = "abcdefghjkmnpqrstvwxyz";
export const ID_LENGTH = 6;
export const ID_PATTERN = /^[a-hjkmnp-tv-z][0-9a-hjkmnp-tv-z]{3,15}$/;

/**
 * Makes a new id. `randomBytes` supplies entropy (crypto in production, seeded in tests).
 * The first character is a letter so an id never reads as a number in YAML or a shell.
 */
export function newId(randomBytes: (n: number) => Uint8Array, taken: (id: string) => boolean): string {
  for (let attempt = 0; attempt < 64; attempt++) {
    const bytes = randomBytes(ID_LENGTH);
    let id = LETTERS[bytes[0]! % LETTERS.length]!;
    for (let i = 1; i < ID_LENGTH; i++) id += ALPHABET[bytes[i]! % ALPHABET.length]!;
    if (!taken(id)) return id;
  }
  throw new Error("could not find a free task id after 64 attempts");
}

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Resolves an exact id or a unique prefix of one. Throws a UsageError naming the candidates otherwise. */
export function resolveId(ids: Iterable<string>, input: string): string {
  const wanted = input.trim().toLowerCase();
  if (wanted === "") throw new UsageError("empty task id", { rule: "task/unknown-id" });
  const matches: string[] = [];
  for (const id of ids) {
    if (id === wanted) return id;
    if (id.startsWith(wanted)) matches.push(id);
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new UsageError(`no task with id or id prefix "${input}"`, {
      rule: "task/unknown-id",
      hint: "list ids with `wm tasks list`",
    });
  }
  matches.sort();
  const shown = matches.slice(0, 8).join(", ") + (matches.length > 8 ? `, … (${matches.length} in all)` : "");
  throw new UsageError(`task id prefix "${input}" is ambiguous: ${shown}`, {
    rule: "task/ambiguous-id",
    hint: "type more characters of the id",
  });
}
