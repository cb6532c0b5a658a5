// wm's markdown parser: unified + remark-parse + remark-gfm, one processor. It is a module of its own so that
// the built CLI keeps it in a bundle of its own (dist/lib/markdown.cjs, scripts/build.mjs), loaded with a V8
// code cache only when a spec or an issue really has to be parsed: a repeated `wm spec check` of an unchanged
// spec reads remark's tree from .wm/cache and never loads it. Every importer imports it dynamically; run
// from the sources (tests), that import is a plain one. Pure: no I/O.
// See docs/decisions/0013-spec-check-speed.md.

import type { Root } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";

let processor: ReturnType<typeof build> | undefined;

function build() {
  return unified().use(remarkParse).use(remarkGfm);
}

/** remark's tree (mdast, with GFM tables, task lists, footnotes, autolink literals) of a markdown text. */
export function parseMarkdown(source: string): Root {
  processor ??= build();
  return processor.parse(source) as Root;
}
