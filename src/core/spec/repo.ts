// What the spec rules may ask about the repository and the outside world. The core defines it; the
// store implements it (src/store/repo-index.ts) and tests can supply a plain object. Every path is
// repository-relative, in POSIX form, already checked not to escape the root.

export interface SpecRepo {
  /** A file (or a symlink) at this path is in the repository, tracked or untracked-but-not-ignored, or on disk. */
  hasFile(path: string): boolean;
  /** A directory: some file in the repository lies below it. */
  hasDir(path: string): boolean;
  /** Lines in the file, or null when it is not a readable regular file inside the repository. */
  lineCount(path: string): number | null;
  /** Repository files matching a glob (picomatch syntax; `*.md` without a slash matches basenames). */
  glob(pattern: string): string[];
  /** The commit exists in the repository's history (abbreviated shas accepted). */
  commitExists(sha: string): boolean;
  /** Names of the entries (files and directories) directly inside a directory; [] when there is none. */
  listDir(path: string): string[];
  /** Repository files with this basename, for "did you mean". */
  withBasename(name: string): string[];
  /** The path, or one of its parent directories, is a symlink that points outside the repository. */
  symlinkEscapes(path: string): boolean;
}

export interface ShellCheck {
  ok: boolean;
  /** 1-based line within the script. */
  line?: number;
  message?: string;
}

export interface SqlCheck {
  ok: boolean;
  /** 0-based offset of the error within the statement. */
  offset?: number;
  message?: string;
}

export interface SecretHit {
  /** 0-based offset range in the scanned text. */
  start: number;
  end: number;
  /** What kind of secret, never the secret itself (e.g. "GitHub token"). */
  kind: string;
}

/** Heavy or impure checks the service loads on demand and hands to the rules. */
export interface SpecTools {
  /** `bash -n` on the script. */
  bashSyntax(script: string): Promise<ShellCheck>;
  /** Parses one SQL statement; unsupported statement kinds are the caller's business. */
  sqlSyntax(statement: string): Promise<SqlCheck>;
  scanSecrets(text: string): Promise<SecretHit[]>;
}

/** How `wm tasks create` reads its arguments: the real CLI's option table and value parsers. */
export interface TaskArgRules {
  options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;
  /** Throws (with a message) when the type is not a task type. */
  parseType(value: string): string;
  /** Throws (with a message) when the value is not an issue number. */
  parseIssue(value: string): number;
}

export interface CheckEnv {
  repo: SpecRepo;
  tools: SpecTools;
  taskArgs: TaskArgRules;
  /** The issue the spec belongs to, from `--issue` or the file name, when the spec does not say. */
  issue: number | null;
}
