import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import { RdoctlError } from "../errors";
import { registerAnswersCommands } from "./commands/answers";
import { registerCheckCommand } from "./commands/check";
import { registerDoctorCommand } from "./commands/doctor";
import { registerInstallCommands } from "./commands/install";
import { registerValidateCommand } from "./commands/validate";

/**
 * Builds the command tree. Command modules import only commander at load time and pull their
 * implementation in with `await import()` inside the action, so `rdoctl answers` never loads
 * cdktf or ssh2 and starts fast.
 */
export function buildProgram(): Command {
  const program = new Command("rdoctl")
    .description("Infrastructure-as-code for RDO/Packstack OpenStack clouds")
    .version(version)
    .showHelpAfterError()
    // Options after a subcommand belong to it (`answers check F --release R` is check's --release).
    .enablePositionalOptions()
    .exitOverride();
  registerValidateCommand(program);
  registerAnswersCommands(program);
  registerCheckCommand(program);
  registerDoctorCommand(program);
  registerInstallCommands(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof RdoctlError) {
      process.stderr.write(`rdoctl: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
