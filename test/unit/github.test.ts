import { describe, expect, it } from "vitest";
import {
  closeComment,
  evidenceMarkedIds,
  issueBody,
  markedTaskId,
  parseRemoteUrl,
  parseRepoSlug,
  RETRY_LIMITS,
  remoteHostMatches,
  retryDecision,
  sameTitle,
  taskMarker,
  webHostOf,
  withMarker,
} from "../../src/core/github.js";
import { redactSecrets, redactValue } from "../../src/integrations/github/redact.js";

describe("parseRemoteUrl", () => {
  it.each([
    ["https://github.com/acme/widgets.git", "github.com"],
    ["https://github.com/acme/widgets", "github.com"],
    ["https://github.com/acme/widgets/", "github.com"],
    ["http://github.com/acme/widgets.git", "github.com"],
    ["https://x-access-token:ghp_abc@github.com/acme/widgets.git", "github.com"],
    ["git@github.com:acme/widgets.git", "github.com"],
    ["github.com:acme/widgets", "github.com"],
    ["ssh://git@github.com/acme/widgets.git", "github.com"],
    ["ssh://git@ssh.github.com:443/acme/widgets.git", "ssh.github.com"],
    ["git://github.com/acme/widgets.git", "github.com"],
    ["git@ghe.example.com:acme/widgets.git", "ghe.example.com"],
    ["https://GHE.example.com/acme/widgets.git", "ghe.example.com"],
  ])("%s", (url, host) => {
    expect(parseRemoteUrl(url)).toEqual({ host, owner: "acme", name: "widgets" });
  });

  it.each([
    "/srv/git/widgets.git",
    "../widgets",
    "C:/repos/widgets",
    "file:///srv/acme/widgets.git",
    "https://gitlab.com/group/sub/widgets.git",
    "https://github.com/acme",
    "git@github.com:acme/wid gets.git",
    "",
  ])("refuses %j", (url) => {
    expect(parseRemoteUrl(url)).toBeNull();
  });

  it("parses owner/name slugs", () => {
    expect(parseRepoSlug("acme/widgets")).toEqual({ owner: "acme", name: "widgets" });
    expect(parseRepoSlug("acme/widgets/x")).toBeNull();
    expect(parseRepoSlug("acme/..")).toBeNull();
  });

  it("matches remote hosts against the API base URL", () => {
    expect(webHostOf("https://api.github.com")).toBe("github.com");
    expect(webHostOf("https://ghe.example.com/api/v3")).toBe("ghe.example.com");
    expect(remoteHostMatches("github.com", undefined)).toBe(true);
    expect(remoteHostMatches("gitlab.com", undefined)).toBe(false);
    expect(remoteHostMatches("ghe.example.com", undefined)).toBe(false);
    expect(remoteHostMatches("ghe.example.com", "https://ghe.example.com/api/v3")).toBe(true);
    expect(remoteHostMatches("other.example.com", "https://ghe.example.com/api/v3")).toBe(false);
  });
});

describe("markers", () => {
  it("finds the task id in a body, and only a well-formed one", () => {
    expect(markedTaskId(`text\n\n${taskMarker("k3x9ma")}`)).toBe("k3x9ma");
    expect(markedTaskId("<!--wm:task=k3x9ma-->")).toBe("k3x9ma");
    expect(markedTaskId("<!-- wm:task=K3X9MA -->")).toBeUndefined();
    expect(markedTaskId("wm:task=k3x9ma")).toBeUndefined();
    expect(markedTaskId(null)).toBeUndefined();
  });

  it("puts the marker in new bodies and appends it to existing ones", () => {
    const body = issueBody({ id: "k3x9ma", type: "impl", description: "Do it.\n", issue: 7 });
    expect(body).toBe("Do it.\n\n_wm impl task `k3x9ma` for #7._\n\n<!-- wm:task=k3x9ma -->");
    expect(markedTaskId(body)).toBe("k3x9ma");
    expect(withMarker("Hello.\n\n", "k3x9ma")).toBe("Hello.\n\n<!-- wm:task=k3x9ma -->");
    expect(withMarker(null, "k3x9ma")).toBe("<!-- wm:task=k3x9ma -->");
  });

  it("writes the evidence into the close comment, with a marker wm finds again", () => {
    const c = closeComment({
      id: "k3x9ma",
      status: "done",
      evidence: {
        command: "npm test",
        exit_code: 0,
        output_tail: "ok ```",
        at: "2024-01-01T00:00:00Z",
        text: "checked",
      },
    });
    expect(c).toContain("Evidence: checked");
    expect(c).toContain("`npm test` exited 0");
    expect(c).not.toContain("ok ```");
    expect([...evidenceMarkedIds([c, "unrelated"])]).toEqual(["k3x9ma"]);
    expect(closeComment({ id: "k3x9ma", status: "cancelled", reason: "dropped" })).toContain(
      "Cancelled in wm",
    );
  });

  it("compares titles without the GH#N: prefix and whitespace differences", () => {
    expect(sameTitle("GH#239: Add rate limits", "Add rate limits")).toBe(true);
    expect(sameTitle("Add  rate limits ", "Add rate limits")).toBe(true);
    expect(sameTitle("Add rate limits", "Add rate limit")).toBe(false);
  });
});

describe("retryDecision", () => {
  const now = 1_700_000_000_000;
  it("waits for x-ratelimit-reset on a primary rate limit (403, remaining 0)", () => {
    const d = retryDecision(
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 30) },
      },
      0,
      now,
    );
    expect(d).toEqual({ retry: true, kind: "rate-limit", waitMs: 31_000 });
  });

  it("waits retry-after seconds on a secondary rate limit (429 or 403)", () => {
    expect(retryDecision({ status: 429, headers: { "retry-after": "5" } }, 0, now)).toEqual({
      retry: true,
      kind: "rate-limit",
      waitMs: 5000,
    });
    expect(
      retryDecision(
        { status: 403, headers: {}, message: "You have exceeded a secondary rate limit" },
        0,
        now,
      ),
    ).toEqual({
      retry: true,
      kind: "rate-limit",
      waitMs: RETRY_LIMITS.secondaryWaitMs,
    });
  });

  it("is bounded: a reset too far ahead, or too many retries, gives up with the reset time", () => {
    const far = retryDecision(
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 3600) },
      },
      0,
      now,
    );
    expect(far).toEqual({ retry: false, kind: "rate-limit", resetAtMs: now + 3_600_000 });
    const many = retryDecision(
      { status: 429, headers: { "retry-after": "1" } },
      RETRY_LIMITS.rateLimitRetries,
      now,
    );
    expect(many.retry).toBe(false);
  });

  it("backs off exponentially on 5xx and network failures, a bounded number of times", () => {
    expect(retryDecision({ status: 502, headers: {} }, 0, now)).toEqual({
      retry: true,
      kind: "server",
      waitMs: 500,
    });
    expect(retryDecision({ status: undefined, headers: {} }, 2, now)).toEqual({
      retry: true,
      kind: "server",
      waitMs: 2000,
    });
    expect(retryDecision({ status: 500, headers: {} }, RETRY_LIMITS.serverRetries, now)).toEqual({
      retry: false,
      kind: "other",
    });
  });

  it("does not retry other client errors (a plain 403, 404, 422)", () => {
    for (const status of [401, 403, 404, 422]) {
      expect(
        retryDecision({ status, headers: { "x-ratelimit-remaining": "42" }, message: "Forbidden" }, 0, now),
      ).toEqual({
        retry: false,
        kind: "other",
      });
    }
  });
});

describe("redactSecrets", () => {
  const token = "not-shaped-like-a-token-1234";
  it("removes the exact token, its base64 forms and URL-encoded form", () => {
    const b64 = Buffer.from(`x-access-token:${token}`).toString("base64");
    const text = `Authorization: token ${token}\nbasic ${b64}\nraw ${Buffer.from(token).toString("base64")}\nq=${encodeURIComponent(token)}`;
    const out = redactSecrets(text, [token]);
    expect(out).not.toContain(token);
    expect(out).not.toContain(b64);
    expect(out).not.toContain(Buffer.from(token).toString("base64"));
    expect(out).toContain("[redacted]");
  });

  it("masks token-shaped strings it was not told about", () => {
    const out = redactSecrets(
      "failed with ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 and github_pat_11AAAAAAA0abcdefghijklmnop",
      [],
    );
    expect(out).not.toMatch(/ghp_[A-Za-z0-9]{20}/);
    expect(out).not.toContain("github_pat_11AAAAAAA0");
  });

  it("redacts an octokit-like error object deeply, headers included", () => {
    const err = {
      status: 401,
      request: {
        headers: { authorization: `token ${token}`, "user-agent": "wm" },
        url: "https://api.github.com/x",
      },
      response: { data: { message: `Bad credentials ${token}` } },
    };
    const out = JSON.stringify(redactValue(err, [token]));
    expect(out).not.toContain(token);
    expect(out).toContain('"authorization":"[redacted]"');
    expect(out).toContain('"user-agent":"wm"');
  });

  it("leaves text without secrets alone", () => {
    expect(redactSecrets("issue #12: Add rate limits", ["abcd1234"])).toBe("issue #12: Add rate limits");
  });
});
