import type { Diagnostic } from "../../diagnostics.js";
import { at, type SpecRule } from "../rule.js";

const rule: SpecRule = {
  id: "spec/secret",
  severity: "error",
  description:
    "A credential is pasted into the spec (found by secretlint's recommended rules: cloud keys, tokens, private " +
    "keys, connection strings with passwords...). The message names the kind of secret, never the secret. " +
    "Checked everywhere, N/A sections included.",
  async check(model, env) {
    const out: Diagnostic[] = [];
    for (const hit of await env.tools.scanSecrets(model.source)) {
      out.push(
        at(
          rule,
          model,
          hit.start,
          `a secret is pasted into the spec (${hit.kind})`,
          "remove it, rotate it, and name where it is stored instead (e.g. the secret's name in the vault)",
        ),
      );
    }
    return out;
  },
};
export default rule;
