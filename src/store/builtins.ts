// Node built-ins that hot paths must not pay for unless they use them: loading crypto, zlib or
// child_process costs a few milliseconds each, and `wm tasks ready` or a hook has only a few to spend.

import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";

let required: NodeJS.Require | undefined;
const req = (id: string) => {
  required ??= createRequire(import.meta.url);
  return required(id);
};

export const crypto = (): typeof import("node:crypto") => req("node:crypto");
export const zlib = (): typeof import("node:zlib") => req("node:zlib");
export const childProcess = (): typeof import("node:child_process") => req("node:child_process");
export const os = (): typeof import("node:os") => req("node:os");

/**
 * Random hex for temp-file names, lock tokens and generations: uniqueness, not secrecy (every name is
 * also created with O_EXCL or carries the pid). Math.random, because loading node:crypto costs ~4 ms,
 * which a hook that writes its session file cannot spend.
 */
export function randomHex(bytes: number): string {
  let out = "";
  for (let i = 0; i < bytes; i++)
    out += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0");
  return out;
}

/**
 * Cryptographically strong random bytes (task ids must not collide across branches and machines). Read
 * from the kernel's /dev/urandom where it exists: one open and one read, where loading node:crypto for
 * randomBytes costs ~2.5 ms of every `wm tasks create`. Elsewhere (Windows), node:crypto.
 */
export function secureRandomBytes(n: number): Uint8Array {
  const out = Buffer.alloc(n);
  let fd: number | undefined;
  try {
    fd = openSync("/dev/urandom", "r");
    let got = 0;
    while (got < n) {
      const r = readSync(fd, out, got, n - got, null);
      if (r <= 0) throw new Error("short read from /dev/urandom");
      got += r;
    }
    return out;
  } catch {
    return crypto().randomBytes(n);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let host: string | undefined;
/**
 * This machine's name, as os.hostname() gives it (the kernel's nodename). Read from /proc where it exists,
 * because every write takes a lock that records it and loading node:os costs more than the read.
 */
export function hostname(): string {
  if (host === undefined) {
    try {
      host = readFileSync("/proc/sys/kernel/hostname", "utf8").trim();
    } catch {}
    if (!host) host = os().hostname();
  }
  return host;
}
