import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import { fileSystemError, isErrnoException, RdoctlError } from "../errors";
import { closest } from "../topology/did-you-mean";
import { registerAnswersCommands } from "./commands/answers";
import { registerCheckCommand } from "./commands/check";
import { registerDoctorCommand } from "./commands/doctor";
import { registerDestroyCommand } from "./commands/destroy";
import { registerDownCommand } from "./commands/down";
import { registerInstallCommands } from "./commands/install";
import { registerScaleCommands } from "./commands/scale";
import { registerUpgradeCommands } from "./commands/upgrade";
import { registerSecretsCommands } from "./commands/secrets";
import { registerUpCommand } from "./commands/up";
import { registerValidateCommand } from "./commands/validate";
import { EXIT, inventoryIssues, plural, wantsJson, writeEnvelope, type CliIssue } from "./output";

/**
 * Builds the command tree. Command modules import only commander at load time and pull their
 * implementation in with `await import()` inside the action, so `rdoctl answers` never loads
 * cdktf or ssh2 and starts fast.
 */
export function buildProgram(): Command {
  const program = new Command("rdoctl")
    .description("Infrastructure-as-code for RDO/Packstack OpenStack clouds")
    .version(version)
    // main() prints a usage error itself: one line, the command's usage and a hint, not the help.
    .configureOutput({ outputError: () => undefined, writeErr: () => undefined })
    // Options after a subcommand belong to it (`answers check F --release R` is check's --release).
    .enablePositionalOptions()
    .exitOverride();
  registerValidateCommand(program);
  registerAnswersCommands(program);
  registerSecretsCommands(program);
  registerCheckCommand(program);
  registerDoctorCommand(program);
  registerInstallCommands(program);
  registerUpCommand(program);
  registerDownCommand(program);
  registerScaleCommands(program);
  registerUpgradeCommands(program);
  registerDestroyCommand(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Never rejects: every failure is reported here. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (err) {
    // --help and --version arrive here too, with exit code 0.
    if (err instanceof CommanderError && err.exitCode === 0) return EXIT.ok;
    return reportFailure(err, commandOf(program, argv), wantsJson(argv), argv);
  }
}

/** The (sub)command the arguments name, as far as they name one. */
function commandOf(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const arg of argv.slice(2)) {
    if (arg === "--") break;
    if (arg.startsWith("-")) continue;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    command = sub;
  }
  return command;
}

function commandName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** `usage: rdoctl answers check [options] <file>  (`rdoctl answers check --help` lists the options)`. */
function usageLine(command: Command): string {
  const name = commandName(command);
  const usage = `${["rdoctl", name].filter(Boolean).join(" ")} ${command.usage()}`;
  return `usage: ${usage}  (\`rdoctl ${name ? `${name} ` : ""}--help\` lists the options)\n`;
}

interface Failure {
  readonly exitCode: number;
  /** What goes to stderr. */
  readonly text: string;
  readonly issues: readonly CliIssue[];
}

/** `answers chekc F` reads as too many arguments for `answers`: say which subcommand was meant. */
function subcommandHint(err: CommanderError, command: Command, argv: readonly string[]): string {
  if (err.code !== "commander.excessArguments" || command.commands.length === 0) return "";
  const names = command.commands.map((c) => c.name());
  const typed = argv.slice(argv.indexOf(command.name()) + 1).find((arg) => !arg.startsWith("-"));
  const meant = typed === undefined ? undefined : closest(typed, names);
  return meant ? ` (did you mean \`${commandName(command)} ${meant}\`?)` : "";
}

function describeFailure(err: unknown, command: Command, argv: readonly string[]): Failure {
  const name = commandName(command);
  if (err instanceof CommanderError) {
    // Commander's text: "error: unknown option '--jsno'\n(Did you mean --json?)".
    const message =
      err.code === "commander.help"
        ? `give a command: ${command.commands.map((c) => c.name()).join(", ")}`
        : err.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ") + subcommandHint(err, command, argv);
    return {
      exitCode: EXIT.usage,
      text: `rdoctl${name ? ` ${name}` : ""}: ${message}\n${usageLine(command)}`,
      issues: [{ rule: "usage", severity: "error", message }],
    };
  }
  const issues = inventoryIssues(err);
  if (issues && err instanceof RdoctlError) {
    const files = [...new Set(issues.map((i) => i.file).filter((f): f is string => f !== undefined))];
    const summary = `rdoctl: ${files.length === 1 ? `${files[0]}: ` : ""}${plural(issues.length, "problem")}`;
    return { exitCode: err.exitCode, text: `${err.message}\n${summary}\n`, issues };
  }
  if (err instanceof RdoctlError) {
    // A usage error found by the command itself reads like one found by commander.
    const usage = err.exitCode === EXIT.usage ? usageLine(command) : "";
    const rule = err.exitCode === EXIT.usage && err.rule === "error" ? "usage" : err.rule;
    return { exitCode: err.exitCode, text: `rdoctl: ${err.message}\n${usage}`, issues: [{ rule, severity: "error", message: err.message }] };
  }
  if (isErrnoException(err) && err.syscall) {
    const fsError = fileSystemError(err);
    return { exitCode: fsError.exitCode, text: `rdoctl: ${fsError.message}\n`, issues: [{ rule: fsError.rule, severity: "error", message: fsError.message }] };
  }
  const message = err instanceof Error ? err.message.split("\n", 1)[0]! : String(err);
  const stack = process.env.RDOCTL_DEBUG && err instanceof Error ? `${err.stack}\n` : "";
  return {
    exitCode: EXIT.internal,
    text: `rdoctl: internal error: ${message} (a bug in rdoctl; RDOCTL_DEBUG=1 shows where)\n${stack}`,
    issues: [{ rule: "internal-error", severity: "error", message }],
  };
}

function reportFailure(err: unknown, command: Command, json: boolean, argv: readonly string[]): number {
  const failure = describeFailure(err, command, argv);
  process.stderr.write(failure.text);
  if (json) writeEnvelope(commandName(command) || "rdoctl", failure.exitCode, failure.issues);
  return failure.exitCode;
}
