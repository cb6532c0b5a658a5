// A fast non-cryptographic hash for cache keys and file names, where loading node:crypto (~6 ms on a cold
// start) would cost more than the work the cache saves. Not for anything an adversary chooses.

/** Hashes of long texts already hashed in this process (a spec's text is a key of several caches). */
const recent = new Map<string, string>();
const LONG = 4096;

/** A 64-bit FNV-1a style hash of the text's UTF-16 code units (two 32-bit lanes), as 16 hex digits. */
export function fnv64(text: string): string {
  if (text.length < LONG) return hash(text);
  let h = recent.get(text);
  if (h === undefined) {
    h = hash(text);
    if (recent.size >= 16) recent.delete(recent.keys().next().value!);
    recent.set(text, h);
  }
  return h;
}

function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x9e3779b1);
    b ^= b >>> 15;
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
