import { UsageError } from "../../core/errors.js";
import { buildGraph, GRAPH_FORMATS, isGraphFormat, renderGraph } from "../../core/graph-render.js";
import { allTasks, filterTasks } from "../../services/tasks.js";
import { type Command, str } from "../command.js";

const command: Command = {
  usage: "wm tasks graph [--issue=N] [--format=ascii|mermaid|dot|json]",
  description:
    "Draws the dependency graph: an arrow goes from what must be done first to what comes after. In ascii,\n" +
    "rows are layers (longest path from a start); a dependency whose arrow cannot be drawn straight (it skips\n" +
    'a row or would cross another) is written in the later box as "after: <id>". A dependency outside the\n' +
    "selection is shown as an outside node, one that names no task as a missing node. Epic membership is\n" +
    "not an edge. With --json the data is always the json graph: {nodes, edges}.",
  options: {
    issue: { type: "string", arg: "N", description: "only tasks of this issue (239, #239 or GH#239)" },
    format: {
      type: "string",
      arg: "FORMAT",
      description: `${GRAPH_FORMATS.join(", ")} (default ascii)`,
    },
  },
  examples: [
    "wm tasks graph --issue=239",
    "wm tasks graph --issue=239 --format=mermaid > graph.mmd",
    "wm tasks graph --format=dot | dot -Tsvg > graph.svg",
    "wm tasks graph --issue=239 --json",
  ],
  async run(values, _pos, io) {
    const format = str(values, "format")?.trim().toLowerCase() ?? "ascii";
    if (!isGraphFormat(format)) {
      throw new UsageError(
        `unknown --format "${str(values, "format")}"; valid formats: ${GRAPH_FORMATS.join(", ")}`,
        { hint: "wm tasks graph --format=mermaid" },
      );
    }
    const file = await allTasks(io.ctx);
    const issue = str(values, "issue");
    const selection = filterTasks(file, issue === undefined ? {} : { issue });
    const graph = buildGraph(selection, file.tasks);
    const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
    const text = renderGraph(graph, format, columns ? { width: columns } : {});
    return { kind: "task-graph", data: graph, text };
  },
};
export default command;
