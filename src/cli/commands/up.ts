import type { Command } from "commander";
// Type-only: erased at runtime, so this module still loads nothing but commander.
import type { UpOptions } from "../../pipeline/up";
import exitCodes from "../../pipeline/data/exit-codes.json";

/** `0 done, 1 bad input, …` from the pipeline's exit-code table. */
export function exitCodeHelp(): string {
  return Object.entries(exitCodes)
    .filter(([key]) => key !== "//")
    .map(([, v]) => `${(v as { code: number }).code} ${(v as { meaning: string }).meaning.split(":")[0]}`)
    .join(", ");
}

export function registerUpCommand(program: Command): void {
  program
    .command("up")
    .description(
      "from hosts to a provisioned cloud: validate, answers, install, credentials, day-1 stacks (cdktf app, real engine), checks through the APIs, summary; " +
        `resumable (a rerun continues and re-plans with no change). Artifacts: answer file, Packstack logs, terraform logs, clouds.yaml (0600), junit.xml. Exit codes: ${exitCodeHelp()}`,
    )
    .argument("<inventory>", "inventory (YAML) or topology module (.ts/.js)")
    .option("--json", "one JSON event per line (NDJSON, schema/events.schema.json) on stdout")
    .option("--artifacts <dir>", "artifacts folder (default <cloud dir>/runs/<time>-up)")
    .option("--stacks <list>", "day-1 stacks to deploy, comma-separated, or `none` (default: all of the app)")
    .option("--skip-install", "the cloud is installed: use its clouds.yaml and go on with day-1")
    .option("--accept-new-host-keys", "accept and record host keys not seen before (changed keys are always refused)")
    .option("--lock-timeout <duration>", "how long to wait for another run's state lock, e.g. 120s (default 120s)")
    .action(async (inventory: string, flags: UpOptions) => {
      const { runUp } = await import("../../pipeline/up.js");
      await runUp(inventory, flags);
      // NDJSON's last line: the envelope every --json output ends with (failures: main writes it).
      if (flags.json) {
        const { writeEnvelope } = await import("../output.js");
        writeEnvelope("up", process.exitCode === undefined ? 0 : Number(process.exitCode), []);
      }
    });
}
