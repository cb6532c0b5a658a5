// The spec model as JSON-ready data and back, for the model cache (src/store/spec-model-cache.ts). The
// model is a graph, not a tree: a run shares its table and field with the model's lists, and its segments
// with the field's value (rules compare them by identity), so objects are numbered and referenced, and
// decoding rebuilds the same sharing. The source text and the two functions are not stored.

import { lineStarts, locate, type SpecModel } from "./model.js";

/** An encoded value: a primitive, or a reference to node `r`. */
type Enc = string | number | boolean | null | { r: number };

export interface EncodedModel {
  v: 1;
  /** Node 0 is the model; each node is an array or an object of encoded values. */
  nodes: Array<Enc[] | Record<string, Enc>>;
}

export function encodeModel(model: SpecModel): EncodedModel {
  const ids = new Map<object, number>();
  const nodes: EncodedModel["nodes"] = [];
  const enc = (value: unknown): Enc => {
    if (value === null || typeof value !== "object") return value as Enc;
    const known = ids.get(value);
    if (known !== undefined) return { r: known };
    const id = nodes.length;
    ids.set(value, id);
    nodes.push([]);
    if (Array.isArray(value)) nodes[id] = value.map(enc);
    else {
      const out: Record<string, Enc> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined || typeof v === "function") continue;
        out[k] = enc(v);
      }
      nodes[id] = out;
    }
    return { r: id };
  };
  const { source: _source, at: _at, skipped: _skipped, ...data } = model;
  enc(data);
  return { v: 1, nodes };
}

/** The model encoded by encodeModel, for `source` (the text it was built from). Throws on malformed data. */
export function decodeModel(data: EncodedModel, source: string): SpecModel {
  if (data?.v !== 1 || !Array.isArray(data.nodes) || data.nodes.length === 0) throw new Error("not a model");
  const shells = data.nodes.map((n) => (Array.isArray(n) ? new Array<unknown>(n.length) : {}));
  const dec = (e: Enc): unknown => {
    if (e === null || typeof e !== "object") return e;
    const node = shells[e.r];
    if (node === undefined) throw new Error("dangling reference");
    return node;
  };
  data.nodes.forEach((n, i) => {
    const shell = shells[i] as Record<string, unknown>;
    if (Array.isArray(n)) {
      for (let k = 0; k < n.length; k++) shell[k] = dec(n[k]!);
    } else for (const k in n) shell[k] = dec(n[k]!);
  });
  const model = shells[0] as SpecModel;
  if (typeof model !== "object" || Array.isArray(model) || !Array.isArray(model.runs))
    throw new Error("not a model");
  const starts = lineStarts(source);
  model.source = source;
  model.at = (offset) => locate(starts, offset);
  model.skipped = (offset) => model.skips.find((s) => offset >= s.start && offset < s.end)?.reason ?? null;
  return model;
}
