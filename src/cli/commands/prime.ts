import { UsageError } from "../../core/errors.js";
import { DEFAULT_PRIME_BUDGET, prime, resolveSessionId } from "../../services/session.js";
import { type Command, SESSION_OPTION, str } from "../command.js";

const command: Command = {
  usage: "wm prime [--budget=TOKENS] [--session=ID]",
  description:
    "A short context for an agent: the session's mode, phase, ready tasks, what blocks the end of the session\n" +
    "and the commands to use, rendered as text (never raw YAML) and trimmed to the budget (about 4 characters\n" +
    "per token). The SessionStart hook injects the same text.",
  options: {
    budget: {
      type: "string",
      arg: "TOKENS",
      description: `the most tokens to print (default ${DEFAULT_PRIME_BUDGET})`,
    },
    session: SESSION_OPTION,
  },
  examples: ["wm prime", "wm prime --budget 300"],
  async run(values, _pos, io) {
    const b = str(values, "budget");
    if (b !== undefined && !/^\d{1,7}$/.test(b.trim())) {
      throw new UsageError(`--budget must be a whole number of tokens, got "${b}"`, { rule: "usage" });
    }
    const r = await prime(
      io.ctx,
      resolveSessionId(io.ctx, str(values, "session")),
      b === undefined ? undefined : Number(b),
    );
    return { kind: "prime", data: r, text: r.text };
  },
};
export default command;
