// The secret scan of a spec: secretlint's recommended preset over the text. A module of its own so that the
// built CLI keeps secretlint in a bundle of its own (dist/lib/secrets.cjs, scripts/build.mjs), loaded with a
// V8 code cache only when a spec's text was not scanned before (.wm/cache keeps the results, keyed by this
// bundle's identity: see store/spec-tree-cache.ts). Imported dynamically by services/spec-tools.ts; run from
// the sources (tests), that import is a plain one.

import { lintSource } from "@secretlint/core";
import { creator } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretHit } from "../core/spec/repo.js";

interface SecretlintMessage {
  range: [number, number];
  ruleId: string;
  messageId: string;
}

export async function scanSecrets(text: string): Promise<SecretHit[]> {
  const result = await lintSource({
    source: { filePath: "spec.md", content: text, contentType: "text" },
    options: {
      config: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: creator }] },
      maskSecrets: true,
      noPhysicFilePath: true,
    },
  });
  return (result.messages as unknown as SecretlintMessage[]).map((m) => ({
    start: m.range[0],
    end: m.range[1],
    kind: `${m.messageId}, secretlint rule ${m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "")}`,
  }));
}
