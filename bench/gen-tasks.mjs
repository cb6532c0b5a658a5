// Generates a realistic task graph: issues of ~20 tasks each (an epic, impl/verify chains, some done).
// Deterministic (seeded), so every run measures the same file.

const LETTERS = "abcdefghjkmnpqrstvwxyz";
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeTasks(n, seed = 42) {
  const rand = prng(seed);
  const taken = new Set();
  const id = () => {
    for (;;) {
      let s = LETTERS[Math.floor(rand() * LETTERS.length)];
      for (let i = 1; i < 6; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
      if (!taken.has(s)) {
        taken.add(s);
        return s;
      }
    }
  };
  const tasks = [];
  const start = Date.parse("2026-01-01T00:00:00.000Z");
  let issue = 1;
  while (tasks.length < n) {
    const size = Math.min(20, n - tasks.length);
    const epic = id();
    const doneUpTo = Math.floor(rand() * size);
    const stamp = () => new Date(start + tasks.length * 1000).toISOString();
    tasks.push({
      id: epic,
      title: `GH#${issue}: Epic number ${issue} with a realistic title`,
      type: "epic",
      status: "pending",
      issue,
      depends_on: [],
      created: stamp(),
      updated: stamp(),
    });
    let prev;
    for (let k = 1; k < size; k++) {
      const t = {
        id: id(),
        title: `GH#${issue}: ${k % 3 === 0 ? "Verify" : "Implement"} step ${k}: do the thing in src/module${k}.ts`,
        type: k % 3 === 0 ? "verify" : "impl",
        status: k < doneUpTo ? "done" : "pending",
        issue,
        parent: epic,
        depends_on: prev ? [prev] : [],
        phase: `p${Math.ceil(k / 3)}`,
        created: stamp(),
        updated: stamp(),
      };
      if (t.status === "done" && t.type === "verify") t.evidence = { text: "tests pass", at: stamp() };
      tasks.push(t);
      prev = t.id;
    }
    issue++;
  }
  return tasks;
}
