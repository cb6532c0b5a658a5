// Atomic replace: write a temp file beside the target, fsync it, rename it over the target. A reader (or
// a killed writer) sees the old file or the new one, never a torn one. The directory is not fsynced: that
// would only make the rename itself durable across a power cut a few seconds earlier than the journal does,
// at 2-4 ms per write on this machine's disk (docs/decisions/0004-lock-and-atomic-writes.md).

import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomHex } from "./builtins.js";

export function writeFileAtomic(path: string, content: string | Buffer | readonly Buffer[]): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
  const fd = openSync(tmp, "wx", 0o644);
  try {
    const parts =
      typeof content === "string"
        ? [Buffer.from(content, "utf8")]
        : Buffer.isBuffer(content)
          ? [content]
          : content;
    for (const buf of parts) {
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
}

/**
 * Atomic append: copy the file beside itself (in-kernel where the filesystem can), append `extra` to the
 * copy, fsync it, rename it over the original. Same guarantees as writeFileAtomic without reading the file.
 */
export function appendFileAtomic(path: string, extra: Buffer): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomHex(4)}.tmp`);
  try {
    copyFileSync(path, tmp, constants.COPYFILE_EXCL);
    const fd = openSync(tmp, "a");
    try {
      let off = 0;
      while (off < extra.length) off += writeSync(fd, extra, off, extra.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
}
