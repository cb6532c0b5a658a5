// A derived cache of each spec's model (.wm/cache/spec-model-*.json), beside the cache of remark's tree
// (spec-tree-cache.ts): building the model from the tree runs the model builder's code cold, several
// milliseconds of a repeated `wm spec check` of an unchanged spec. Keyed by the tree's key (the spec's
// exact text and the parser's build) and the build of the running bundle, which holds the model builder.
// Best effort, as json-cache.ts: a bad or foreign entry is a miss. See docs/decisions/0013-spec-check-speed.md.

import { fnv64 } from "../core/hash.js";
import type { SpecModel } from "../core/spec/model.js";
import { decodeModel, type EncodedModel, encodeModel } from "../core/spec/model-codec.js";
import { bundleIdentity } from "../lib/bundles.js";
import { readCache, writeCache } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

const entryName = (rel: string) => `spec-model-${fnv64(rel)}`;

/** The model's key from the tree's key (spec-tree-cache.ts treeKey); null when nothing may be cached. */
export function modelKey(treeKey: string | null): string | null {
  const build = bundleIdentity("running");
  return treeKey === null || build === null ? null : `${treeKey}|model-v1|${build}`;
}

export function readModel(paths: ProjectPaths, rel: string, key: string, source: string): SpecModel | null {
  const data = readCache<EncodedModel>(paths, entryName(rel), key);
  if (data === null) return null;
  try {
    const model = decodeModel(data, source);
    return model.file === rel ? model : null;
  } catch {
    return null;
  }
}

export function writeModel(paths: ProjectPaths, rel: string, key: string, model: SpecModel): void {
  writeCache(paths, entryName(rel), key, encodeModel(model));
}
