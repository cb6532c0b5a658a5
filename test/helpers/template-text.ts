// Reading the parts of a planning template that tests look at: the Task Breakdown's bash blocks, its
// `wm tasks create` lines and their phases. Line-based on purpose: the templates are ours and regular.

export interface BreakdownLine {
  /** 1-based line number in the template. */
  line: number;
  text: string;
  /** The phase comment above it (`# Phase 2: Verify data layer`), or null before the first one. */
  phase: { number: number; name: string } | null;
}

export interface Breakdown {
  /** Every line inside the section's ```bash blocks. */
  bashLines: BreakdownLine[];
  /** The lines that run `wm tasks create` (with or without a `pnpm ` prefix). */
  creates: BreakdownLine[];
  /** Text of the section, from its heading to the next `## ` heading. */
  section: string;
}

/** The `## ` headings, in order. */
export function h2Headings(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    else if (!fenced && line.startsWith("## ")) out.push(line.slice(3).trim());
  }
  return out;
}

export function breakdown(text: string): Breakdown {
  const lines = text.split("\n");
  let start = -1;
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith("```")) fenced = !fenced;
    else if (!fenced && /^## (\d+\. )?Task Breakdown\s*$/.test(lines[i]!)) {
      start = i;
      break;
    }
  }
  if (start < 0) throw new Error("no Task Breakdown section");
  let end = lines.length;
  fenced = false;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i]!.startsWith("```")) fenced = !fenced;
    else if (!fenced && lines[i]!.startsWith("## ")) {
      end = i;
      break;
    }
  }
  const bashLines: BreakdownLine[] = [];
  let inBash = false;
  let inOther = false;
  let phase: BreakdownLine["phase"] = null;
  for (let i = start + 1; i < end; i++) {
    const line = lines[i]!;
    if (!inBash && !inOther && line.startsWith("```")) {
      if (line.trim() === "```bash") inBash = true;
      else inOther = true;
      continue;
    }
    if ((inBash || inOther) && line.trim() === "```") {
      inBash = false;
      inOther = false;
      continue;
    }
    if (!inBash) continue;
    const m = /^# Phase (\d+): (.+)$/.exec(line);
    if (m) phase = { number: Number(m[1]), name: m[2]!.trim() };
    bashLines.push({ line: i + 1, text: line, phase });
  }
  return {
    bashLines,
    creates: bashLines.filter((l) => /^(pnpm )?wm tasks create /.test(l.text)),
    section: lines.slice(start, end).join("\n"),
  };
}

/** Splits a shell command line into words: double and single quotes, no expansions (the templates use none). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && /["\\$`]/.test(line[i + 1] ?? "")) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated quote in: ${line}`);
  if (inWord) words.push(cur);
  return words;
}
