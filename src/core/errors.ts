// The small error vocabulary. Core and services throw these; only the CLI turns them into exit codes.

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const BRAND = Symbol.for("wm.WmError");

/**
 * Something the user (or agent) can fix: the message says what is wrong, the hint what to do.
 * `instanceof WmError` holds across bundles (each command is bundled on its own, with its own copy of this
 * class): it checks a global brand rather than the prototype chain.
 */
export class WmError extends Error {
  readonly [BRAND] = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was called on (WmError or a subclass)
    if (this === WmError)
      return (
        typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
      );
    // biome-ignore lint/complexity/noThisInStatic: a subclass keeps the ordinary prototype-chain test
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
  readonly exitCode: number;
  readonly rule: string | undefined;
  readonly hint: string | undefined;
  readonly details: unknown;
  constructor(
    message: string,
    options: { exitCode?: number; rule?: string; hint?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WmError";
    this.exitCode = options.exitCode ?? EXIT_USAGE;
    this.rule = options.rule;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** Bad arguments: exit 2. */
export class UsageError extends WmError {
  constructor(message: string, options: { rule?: string; hint?: string; details?: unknown } = {}) {
    super(message, { ...options, exitCode: EXIT_USAGE, rule: options.rule ?? "usage" });
    this.name = "UsageError";
  }
}

/** A write refused by a rule of the task graph (cycle, missing dependency, out-of-order done): exit 2, nothing changed. */
export class RuleError extends WmError {
  constructor(rule: string, message: string, options: { hint?: string; details?: unknown } = {}) {
    super(message, { ...options, exitCode: EXIT_USAGE, rule });
    this.name = "RuleError";
  }
}
