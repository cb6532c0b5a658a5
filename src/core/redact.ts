// Masks credentials in text wm passes on to an agent (hook answers, test output tails). Cheap regular
// expressions for the common token shapes and for `NAME=value` / `Authorization:` pairs whose name says
// secret. Pure. Not a scanner: the spec checker uses secretlint; this only keeps hook output clean.

// Each pattern with the literals (|-separated) of which every match contains one: a text without them
// skips the pattern, so the common text (no secret at all) compiles no regular expression (~1 ms a hook).
const PATTERNS: Array<[string, RegExp]> = [
  ["gh", /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g], // GitHub tokens
  ["github_pat_", /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g],
  ["sk-", /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}\b/g], // OpenAI / Anthropic style keys
  ["xox", /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g], // Slack
  ["AKIA|ASIA", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g], // AWS access key ids
  ["AIza", /\bAIza[0-9A-Za-z_-]{30,}\b/g], // Google API keys
  ["glpat-", /\bglpat-[A-Za-z0-9_-]{16,}\b/g], // GitLab
  ["npm_", /\bnpm_[A-Za-z0-9]{30,}\b/g], // npm
  ["eyJ", /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g], // JWTs
  ["-----BEGIN ", /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g],
];

/** Lowercase literals of which every NAMED match contains one. */
const NAMED_WORDS = ["token", "secret", "passw", "key", "credential"];
const NAMED =
  /\b([A-Za-z0-9_.-]*(?:token|secret|passw(?:or)?d|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*)(\s*[=:]\s*)(["']?)([^\s"']{4,})\3/gi;
const AUTH = /\b(authorization\s*:\s*(?:bearer|basic|token)\s+)[^\s"']+/gi;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

export const MASK = "[redacted]";

export function redact(text: string): string {
  let out = text;
  for (const [literals, re] of PATTERNS) {
    if (literals.split("|").some((l) => out.includes(l))) out = out.replace(re, MASK);
  }
  const lower = out.toLowerCase();
  if (NAMED_WORDS.some((w) => lower.includes(w))) {
    out = out.replace(NAMED, (_m, name: string, sep: string, q: string) => `${name}${sep}${q}${MASK}${q}`);
  }
  if (lower.includes("authorization")) out = out.replace(AUTH, (_m, head: string) => `${head}${MASK}`);
  if (out.includes("://")) out = out.replace(URL_PASSWORD, (_m, head: string) => `${head}${MASK}@`);
  return out;
}
