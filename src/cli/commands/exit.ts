import { exitMode, resolveSessionId } from "../../services/session.js";
import { bool, type Command, SESSION_OPTION, str } from "../command.js";
import { exitText } from "../render/session.js";

const command: Command = {
  usage: 'wm exit [--force --reason="WHY"] [--session=ID]',
  description:
    "Leaves the session's mode once every stop condition holds (exit 1 with what is left otherwise). --force\n" +
    "leaves it anyway and needs --reason, which is recorded in the session. The session's phase tasks still\n" +
    "open are cancelled with that reason; the issue's own tasks are never touched.",
  options: {
    force: { type: "boolean", description: "leave even though stop conditions are unmet (needs --reason)" },
    reason: { type: "string", arg: "WHY", description: "why the session ends with conditions unmet" },
    session: SESSION_OPTION,
  },
  examples: ["wm exit", 'wm exit --force --reason "the user stopped the work; resume tomorrow"'],
  async run(values, _pos, io) {
    const opts: { force?: boolean; reason?: string } = { force: bool(values, "force") };
    const reason = str(values, "reason");
    if (reason !== undefined) opts.reason = reason;
    const r = await exitMode(io.ctx, resolveSessionId(io.ctx, str(values, "session")), opts);
    return { kind: "exit", data: r, text: exitText(r, io.color) };
  },
};
export default command;
