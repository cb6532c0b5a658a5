import { canExit, resolveSessionId } from "../../services/session.js";
import { type Command, SESSION_OPTION, str } from "../command.js";
import { canExitText } from "../render/session.js";

const command: Command = {
  usage: "wm can-exit [--session=ID] [--json]",
  description:
    "Checks the stop conditions of the session's mode, the same way the Stop hook does: exit 0 when all hold,\n" +
    "1 otherwise, each unmet condition saying what to do next. tests_pass (runs commands.test) and spec_valid\n" +
    "(runs `wm spec check`) are checked once the other conditions hold.",
  options: {
    session: SESSION_OPTION,
  },
  examples: ["wm can-exit", "wm can-exit --json"],
  async run(values, _pos, io) {
    const v = await canExit(io.ctx, resolveSessionId(io.ctx, str(values, "session")));
    const data = { session: v.session, mode: v.mode, issue: v.issue, ok: v.ok, conditions: v.conditions };
    return { kind: "can-exit", data, text: canExitText(v, io.color), exitCode: v.ok ? 0 : 1 };
  },
};
export default command;
