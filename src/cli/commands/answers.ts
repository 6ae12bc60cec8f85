import type { Command } from "commander";

export function registerAnswersCommands(program: Command): void {
  void program;
}
