// The GitHub issue provider: `wm issue show|list|create` and `wm spec new --issue N` on a repository's
// GitHub issues, behind the same IssueProvider interface as the local files.

import { UsageError } from "../../core/errors.js";
import type { Issue, IssueFilter, IssueProvider, NewIssue } from "../../core/issues.js";
import type { GhIssue, GitHubClient } from "./client.js";

function toIssue(g: GhIssue): Issue {
  return {
    number: g.number,
    title: g.title,
    body: g.body,
    state: g.state,
    labels: g.labels,
    url: g.url,
    created: g.created,
  };
}

export class GitHubIssues implements IssueProvider {
  readonly name = "github";
  constructor(private readonly client: GitHubClient) {}

  async get(number: number): Promise<Issue | null> {
    const g = await this.client.getIssue(number);
    return g === null ? null : toIssue(g);
  }

  async list(filter: IssueFilter = {}): Promise<Issue[]> {
    const found = await this.client.listIssues({
      state: filter.state ?? "open",
      ...(filter.labels ? { labels: filter.labels } : {}),
    });
    return found.map(toIssue).sort((a, b) => a.number - b.number);
  }

  async create(input: NewIssue): Promise<Issue> {
    let parent: GhIssue | null = null;
    if (input.parent !== undefined) {
      parent = await this.client.getIssue(input.parent);
      if (parent === null) {
        throw new UsageError(`--parent: there is no issue #${input.parent} in ${this.slug()}`, {
          rule: "issue/not-found",
        });
      }
    }
    const g = await this.client.createIssue({
      title: input.title,
      body: input.body ?? "",
      labels: [...new Set(input.labels ?? [])],
    });
    const issue = toIssue(g);
    if (parent !== null) {
      await this.client.addSubIssue(parent.number, g.id);
      issue.parent = parent.number;
    }
    return issue;
  }

  private slug(): string {
    return `${this.client.repo.owner}/${this.client.repo.name}`;
  }
}
