import { listModes } from "../../services/session.js";
import type { Command } from "../command.js";
import { modesText } from "../render/session.js";

const command: Command = {
  usage: "wm modes",
  description:
    "The session modes: built in (templates/modes/) and the project's (.wm/modes/<name>.md, which replaces a\n" +
    "built-in of the same name or adds a mode). Each with its phases, stop conditions and gates. A mode file\n" +
    "that does not parse or validate is listed with its error (exit 1).",
  options: {},
  examples: ["wm modes", "wm modes --json"],
  async run(_values, _pos, io) {
    const r = await listModes(io.ctx);
    return { kind: "modes", data: r.modes, text: modesText(r.modes, io.color), exitCode: r.ok ? 0 : 1 };
  },
};
export default command;
