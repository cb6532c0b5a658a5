// Keeps tokens out of everything wm prints. Octokit's errors carry the request (headers included) and the
// response; wm never passes them on as they are: it builds its own message from the status and GitHub's
// error text, and runs every string it shows through redactSecrets, which removes the exact token (and
// its base64 forms, as in a Basic header) besides the usual token shapes (src/core/redact.ts). Pure.

import { MASK, redact } from "../../core/redact.js";

function forms(secret: string): string[] {
  const out = [secret];
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  out.push(b64(secret), b64(`x-access-token:${secret}`), b64(`${secret}:x-oauth-basic`));
  out.push(encodeURIComponent(secret));
  return [...new Set(out)].filter((s) => s.length >= 4);
}

/** The text with every known secret (exact, base64, URL-encoded) and every token-shaped string masked. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const f of forms(s)) out = out.split(f).join(MASK);
  }
  return redact(out);
}

/** A deep copy of a JSON-like value with every string redacted (for error details and --json data). */
export function redactValue<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactSecrets(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        o[k] = /^(authorization|cookie|x-github-token)$/i.test(k) ? MASK : walk(x);
      }
      return o;
    }
    return v;
  };
  return walk(value) as T;
}
