import type { Command } from "commander";

export function registerInstallCommands(program: Command): void {
  void program;
}
