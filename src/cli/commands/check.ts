import type { Command } from "commander";

export function registerCheckCommand(program: Command): void {
  void program;
}
