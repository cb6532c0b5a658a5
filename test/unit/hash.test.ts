// fnv64: a stable cache key. Long texts are remembered per process; the answer must not depend on that.
import { describe, expect, it } from "vitest";
import { fnv64 } from "../../src/core/hash.js";

describe("fnv64", () => {
  it("is stable and 16 hex digits", () => {
    expect(fnv64("")).toBe("811c9dc5050c5d1f");
    expect(fnv64("abc")).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv64("abc")).toBe(fnv64("abc"));
    expect(fnv64("abc")).not.toBe(fnv64("abd"));
  });

  it("gives a long text the same hash whether remembered or not, and tells edits of the same length apart", () => {
    const texts = Array.from({ length: 40 }, (_, i) => `${"spec line\n".repeat(600)}${i}`);
    const first = texts.map(fnv64);
    expect(new Set(first).size).toBe(texts.length);
    // Equal content in new string objects, after more texts than are remembered: the same hashes.
    expect(texts.map((t) => fnv64(`${t.slice(0, 10)}${t.slice(10)}`))).toEqual(first);
    const edited = `${texts[0]!.slice(0, 3000)}X${texts[0]!.slice(3001)}`;
    expect(edited.length).toBe(texts[0]!.length);
    expect(fnv64(edited)).not.toBe(first[0]);
    // The same text built another way.
    const short = "spec line\n".repeat(100);
    expect(fnv64(`${short.repeat(6)}0`)).toBe(first[0]);
  });
});
