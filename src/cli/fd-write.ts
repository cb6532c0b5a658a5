// Output without process.stdout/process.stderr: those are streams whose first use loads net, stream and
// tty (5-8 ms on this machine), paid by every command. Writes go to the file descriptor directly; a full
// non-blocking pipe hands the rest to the stream, so nothing is ever dropped.

import { fstatSync, statSync, writeSync } from "node:fs";

export function writeFd(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
      return;
    }
  }
}

let devNull: number | bigint | undefined;

/** Whether fd is a terminal, without loading node:tty: a character device that is not /dev/null. */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    const s = fstatSync(fd);
    if (!s.isCharacterDevice()) return false;
    devNull ??= statSync("/dev/null").rdev;
    return s.rdev !== devNull;
  } catch {
    return false;
  }
}
