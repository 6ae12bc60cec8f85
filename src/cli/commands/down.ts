import type { Command } from "commander";
// Type-only: erased at runtime, so this module still loads nothing but commander.
import type { DownOptions } from "../../pipeline/down";
import { exitCodeHelp } from "./up";

/** The argument and options of `down`, which `destroy` shares: it is down plus the hosts. */
export function withDownOptions(command: Command): Command {
  return command
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .option("--yes", "remove without asking (required off a terminal)")
    .option("--json", "one JSON event per line (NDJSON, schema/events.schema.json) on stdout")
    .option("--stacks <list>", "day-1 stacks to destroy, comma-separated (default: all of the app)")
    .option("--artifacts <dir>", "artifacts folder (default <cloud dir>/runs/<time>-down)")
    .option("--lock-timeout <duration>", "how long to wait for another run's state lock (default 120s)");
}

export function registerDownCommand(program: Command): void {
  withDownOptions(
    program
      .command("down")
      .description(
        "destroy the day-1 stacks of a cloud `rdoctl up` made, after listing what will be removed (asks on a terminal; --yes elsewhere); " +
          `the installed hosts are kept. Exit codes: ${exitCodeHelp()}`,
      ),
  ).action(async (inventory: string, flags: DownOptions) => {
    const { runDown } = await import("../../pipeline/down.js");
    await runDown(inventory, flags);
    // NDJSON's last line: the envelope every --json output ends with (failures: main writes it).
    if (flags.json) {
      const { writeEnvelope } = await import("../output.js");
      writeEnvelope("down", process.exitCode === undefined ? 0 : Number(process.exitCode), []);
    }
  });
}
