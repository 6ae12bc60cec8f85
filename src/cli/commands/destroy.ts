import type { Command } from "commander";
// Type-only: erased at runtime, so this module still loads nothing but commander.
import type { DestroyOptions } from "../../day2/destroy";
import { withDownOptions } from "./down";
import { exitCodeHelp } from "./up";

export function registerDestroyCommand(program: Command): void {
  withDownOptions(
    program
      .command("destroy")
      .description(
        "tear a cloud down: names every host and what happens to it (rdoctl created none of them: all kept, never touched), lists the day-1 resources, asks (--yes off a terminal), " +
          `then destroys them as \`rdoctl down\` does. Exit codes: ${exitCodeHelp()}`,
      ),
  ).action(async (inventory: string, flags: DestroyOptions) => {
    const { runDestroy } = await import("../../day2/destroy.js");
    await runDestroy(inventory, flags);
    if (flags.json) {
      const { writeEnvelope } = await import("../output.js");
      writeEnvelope("destroy", process.exitCode === undefined ? 0 : Number(process.exitCode), []);
    }
  });
}
