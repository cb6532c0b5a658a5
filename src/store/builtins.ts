// Node built-ins that hot paths must not pay for unless they use them: loading crypto, zlib or
// child_process costs a few milliseconds each, and `wm tasks ready` or a hook has only a few to spend.

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
