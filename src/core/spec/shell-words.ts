// A small POSIX-shell word splitter for one logical command line: quotes, escapes, comments and the
// operators that end a command. Enough to read `wm tasks create ...` lines the way a shell would.

export interface Word {
  /** The word after quote removal. */
  text: string;
  /** Index of the word's first character in the line. */
  at: number;
  /** An operator (`;`, `&&`, `||`, `|`, `(`, `)`, `$(`, `&`) rather than a word. */
  op: boolean;
}

export function shellWords(line: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === " " || ch === "\t") {
      i++;
      continue;
    }
    if (ch === "#") break;
    const op = /^(\$\(|&&|\|\||[;|()&`])/.exec(line.slice(i))?.[0];
    if (op) {
      words.push({ text: op, at: i, op: true });
      i += op.length;
      continue;
    }
    const at = i;
    let text = "";
    while (i < line.length) {
      const c = line[i]!;
      if (c === " " || c === "\t" || /^(\$\(|&&|\|\||[;|()&`])/.test(line.slice(i))) break;
      if (c === "\\") {
        text += line[i + 1] ?? "";
        i += 2;
      } else if (c === "'") {
        const close = line.indexOf("'", i + 1);
        const stop = close < 0 ? line.length : close;
        text += line.slice(i + 1, stop);
        i = stop + 1;
      } else if (c === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === "\\" && /["\\$`]/.test(line[i + 1] ?? "")) {
            text += line[i + 1];
            i += 2;
          } else text += line[i++];
        }
        i++;
      } else {
        text += c;
        i++;
      }
    }
    words.push({ text, at, op: false });
  }
  return words;
}

export interface LogicalLine {
  text: string;
  /** 0-based index of the physical line where it starts. */
  line: number;
  /** For each character of `text`: [physical line index, column index]. */
  pos: Array<[number, number]>;
}

/** Joins backslash-continued lines. */
export function logicalLines(script: string): LogicalLine[] {
  const physical = script.split("\n");
  const out: LogicalLine[] = [];
  let cur: LogicalLine | null = null;
  physical.forEach((raw, idx) => {
    const continued = /\\$/.test(raw) && !/\\\\$/.test(raw);
    const body = continued ? raw.slice(0, -1) : raw;
    if (!cur) cur = { text: "", line: idx, pos: [] };
    for (let c = 0; c < body.length; c++) {
      cur.text += body[c];
      cur.pos.push([idx, c]);
    }
    if (continued) {
      cur.text += " ";
      cur.pos.push([idx, body.length]);
    } else {
      out.push(cur);
      cur = null;
    }
  });
  if (cur) out.push(cur);
  return out;
}
