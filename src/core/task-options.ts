// The flags of `wm tasks create`, shared by the command (src/cli/commands/tasks-create.ts) and the spec
// checker's Task Breakdown rule, so that a spec line is read exactly as the CLI would read it.

export interface TaskOptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  arg?: string;
  description: string;
}

export const TASKS_CREATE_OPTIONS: Record<string, TaskOptionSpec> = {
  title: { type: "string", arg: "TITLE", description: "what the task is (required)" },
  type: {
    type: "string",
    arg: "TYPE",
    description: "epic, impl, verify, test, review, task, bug or chore (default task)",
  },
  issue: { type: "string", arg: "N", description: "the issue number it belongs to (239, #239 or GH#239)" },
  "depends-on": {
    type: "string",
    arg: "ID[,ID]",
    multiple: true,
    description: "ids (or unique prefixes) that must be done first",
  },
  parent: { type: "string", arg: "ID", description: "the epic this task belongs to (none: no parent)" },
  phase: { type: "string", arg: "PHASE", description: "a phase label, e.g. p1 or BASELINE" },
  description: { type: "string", arg: "TEXT", description: "longer text" },
  session: { type: "string", arg: "ID", description: "the agent session that owns the task" },
};
