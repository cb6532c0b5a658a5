// The seed template's `wm tasks` lines must work exactly as written.
import { afterAll, describe, expect, it } from "vitest";
import { cleanupTemp, tempRepo, wm, wmJson } from "../helpers/cli.js";

afterAll(cleanupTemp);

describe("the seed's wm tasks lines", () => {
  it("create prints the id alone, list filters by issue and status", () => {
    const repo = tempRepo();
    const epic = wm(repo, [
      "tasks",
      "create",
      "--title=GH#239: Infrastructure upgrade",
      "--type=epic",
      "--issue=239",
    ]);
    expect(epic.code).toBe(0);
    expect(epic.stdout).toMatch(/^[a-z][0-9a-z]{5}\n$/);
    const a = wm(repo, [
      "tasks",
      "create",
      "--title=GH#239: Analyze current infrastructure",
      "--type=impl",
      "--issue=239",
    ]);
    expect(a.code).toBe(0);
    const other = wm(repo, ["tasks", "create", "--title=GH#7: Something else", "--type=verify", "--issue=7"]);
    expect(other.code).toBe(0);

    const byIssue = wmJson<Array<{ id: string; title: string; parent?: string }>>(repo, [
      "tasks",
      "list",
      "--issue=239",
    ]);
    expect(byIssue.map((t) => t.title)).toEqual([
      "GH#239: Infrastructure upgrade",
      "GH#239: Analyze current infrastructure",
    ]);
    // The impl task joined the issue's only epic.
    expect(byIssue[1]!.parent).toBe(epic.stdout.trim());

    const text = wm(repo, ["tasks", "list", "--issue=239"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("GH#239: Analyze current infrastructure");
    expect(text.stdout).not.toContain("GH#7");

    wm(repo, ["tasks", "start", a.stdout.trim()]);
    const pending = wmJson<Array<{ id: string }>>(repo, ["tasks", "list", "--status=pending"]);
    expect(pending.map((t) => t.id).sort()).toEqual([epic.stdout.trim(), other.stdout.trim()].sort());
    const combined = wmJson<Array<{ id: string }>>(repo, [
      "tasks",
      "list",
      "--issue=239",
      "--status=pending",
    ]);
    expect(combined.map((t) => t.id)).toEqual([epic.stdout.trim()]);
  });

  it("works through the shell exactly as the seed writes it", async () => {
    const repo = tempRepo();
    const { spawnSync } = await import("node:child_process");
    const { WM_BIN, cleanEnv } = await import("../helpers/cli.js");
    const script = [
      `wm() { node ${JSON.stringify(WM_BIN)} "$@"; }`,
      'wm tasks create --title="GH#239: Analyze current infrastructure" --type=impl --issue=239',
      "wm tasks list --issue=239",
      "wm tasks list --status=pending",
    ].join("\n");
    const r = spawnSync("bash", ["-c", script], { cwd: repo, encoding: "utf8", env: cleanEnv() });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^[a-z][0-9a-z]{5}$/);
    expect(lines[1]).toContain("GH#239: Analyze current infrastructure");
    expect(lines[2]).toContain("GH#239: Analyze current infrastructure");
  });
});
