import type { Command } from "commander";

export function registerValidateCommand(program: Command): void {
  void program;
}
