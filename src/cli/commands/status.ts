import { resolveSessionId, sessionStatus } from "../../services/session.js";
import { type Command, SESSION_OPTION, str } from "../command.js";
import { statusText } from "../render/session.js";

const command: Command = {
  usage: "wm status [--session=ID]",
  description:
    "The session's mode, issue, tasks (ready ones marked), stop conditions (the test run and spec check are\n" +
    "left to `wm can-exit`), the files it changed and its Stop-hook state.",
  options: {
    session: SESSION_OPTION,
  },
  examples: ["wm status", "wm status --session 3a8da6c6 --json"],
  async run(values, _pos, io) {
    const v = await sessionStatus(io.ctx, resolveSessionId(io.ctx, str(values, "session")));
    return { kind: "status", data: v, text: statusText(v, io.color) };
  },
};
export default command;
