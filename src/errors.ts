/**
 * An error meant for the user: its message is complete (what, where, what was expected) and
 * the CLI prints it without a stack trace, then exits with `exitCode`.
 */
export class RdoctlError extends Error {
  constructor(
    message: string,
    /** 1: the input or the target is wrong; 2: the command line is wrong. */
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "RdoctlError";
  }
}
