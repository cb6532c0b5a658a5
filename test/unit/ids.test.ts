import { describe, expect, it } from "vitest";
import { WmError } from "../../src/core/errors.js";
import { ID_LENGTH, ID_PATTERN, isValidId, newId, resolveId } from "../../src/core/ids.js";
import { secureRandomBytes } from "../../src/store/builtins.js";
import { seededRng } from "../helpers/prng.js";

const FIRST_LETTERS = "abcdefghjkmnpqrstvwxyz";

function thrown(fn: () => unknown): WmError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WmError);
    return e as WmError;
  }
  throw new Error("expected a throw");
}

describe("newId", () => {
  it("makes short ids of the documented alphabet that start with a letter", () => {
    const rng = seededRng(42);
    const firsts = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = newId(
        (n) => rng.bytes(n),
        () => false,
      );
      expect(id).toHaveLength(ID_LENGTH);
      expect(id).toMatch(/^[a-z][0-9a-z]+$/);
      expect(id).toMatch(ID_PATTERN);
      expect(isValidId(id)).toBe(true);
      expect(id).not.toMatch(/[ilou]/); // letters that read like digits or each other
      firsts.add(id[0]!);
    }
    // Every allowed first letter shows up, and nothing else.
    expect([...firsts].sort().join("")).toBe(FIRST_LETTERS);
  });

  it("covers every byte value without leaving the alphabet", () => {
    for (let b = 0; b < 256; b++) {
      const id = newId(
        (n) => new Uint8Array(n).fill(b),
        () => false,
      );
      expect(isValidId(id)).toBe(true);
    }
  });

  it("avoids ids that are taken", () => {
    const rng = seededRng(7);
    const entropy = (n: number) => rng.bytes(n);
    // Replay the same entropy to learn the first ids it would give, then mark those taken.
    const first = newId(seededRngBytes(7), () => false);
    const taken = new Set([first]);
    const id = newId(entropy, (x) => taken.has(x));
    expect(id).not.toBe(first);
    expect(isValidId(id)).toBe(true);
  });

  it("retries until a free id appears, and gives up loudly when none does", () => {
    let calls = 0;
    const seen: string[] = [];
    const id = newId(seededRngBytes(3), (x) => {
      calls++;
      seen.push(x);
      return calls <= 5;
    });
    expect(calls).toBe(6);
    expect(id).toBe(seen[5]);
    expect(() =>
      newId(
        () => new Uint8Array(ID_LENGTH),
        () => true,
      ),
    ).toThrow(/free task id/);
  });
});

function seededRngBytes(seed: number): (n: number) => Uint8Array {
  const rng = seededRng(seed);
  return (n) => rng.bytes(n);
}

describe("resolveId", () => {
  const ids = ["k3x9ma", "k3x9mb", "k4aaaa", "b7c2d1"];

  it("an exact id wins, even when it is a prefix of another", () => {
    expect(resolveId(ids, "k3x9ma")).toBe("k3x9ma");
    expect(resolveId(["abcd", "abcdef"], "abcd")).toBe("abcd");
    expect(resolveId(ids, "  K3X9MA ")).toBe("k3x9ma");
  });

  it("a unique prefix resolves", () => {
    expect(resolveId(ids, "b")).toBe("b7c2d1");
    expect(resolveId(ids, "k4")).toBe("k4aaaa");
    expect(resolveId(ids, "k3x9mb")).toBe("k3x9mb");
  });

  it("an ambiguous prefix lists the candidates", () => {
    const e = thrown(() => resolveId(ids, "k3"));
    expect(e.rule).toBe("task/ambiguous-id");
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain("k3x9ma, k3x9mb");
    expect(e.message).not.toContain("k4aaaa");
    // Many candidates are cut off, with the count.
    const many = Array.from({ length: 12 }, (_, i) => `zz${String(i).padStart(4, "0")}`);
    const e2 = thrown(() => resolveId(many, "zz"));
    expect(e2.message).toContain("(12 in all)");
  });

  it("an unknown id or an empty one is refused", () => {
    const e = thrown(() => resolveId(ids, "q9"));
    expect(e.rule).toBe("task/unknown-id");
    expect(e.message).toContain('"q9"');
    expect(e.exitCode).toBe(2);
    expect(thrown(() => resolveId(ids, "  ")).rule).toBe("task/unknown-id");
    expect(thrown(() => resolveId([], "k3")).rule).toBe("task/unknown-id");
  });
});

describe("secureRandomBytes", () => {
  it("gives n bytes from the kernel, different every call", () => {
    expect(secureRandomBytes(0)).toHaveLength(0);
    expect(secureRandomBytes(37)).toHaveLength(37);
    const seen = new Set<string>();
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 2000; i++) {
      const b = secureRandomBytes(6);
      seen.add(Buffer.from(b).toString("hex"));
      for (const x of b) counts[x]!++;
    }
    expect(seen.size).toBe(2000);
    // 12,000 bytes: every value appears (expected ~47 times each; missing one is ~1e-18 likely).
    expect(counts.every((c) => c > 0)).toBe(true);
  });
});
