/**
 * An error meant for the user: its message is complete (what, where, what was expected) and
 * the CLI prints it without a stack trace, then exits with `exitCode`.
 */
export class RdoctlError extends Error {
  constructor(
    message: string,
    /** 1: the input or the target is wrong; 2: the command line is wrong; 130: interrupted. */
    readonly exitCode: number = 1,
    /** Stable name of the kind of problem, carried into `--json` output as the issue's `rule`. */
    readonly rule: string = "error",
  ) {
    super(message);
    this.name = "RdoctlError";
  }
}

/** What an errno means for a path, in words, and what the operator can do about it. */
const FILE_SYSTEM_PROBLEMS: Readonly<Record<string, { readonly what: string; readonly todo: string }>> = {
  EACCES: { what: "permission denied", todo: "make it accessible to this user, or choose another path" },
  EPERM: { what: "operation not permitted", todo: "make it accessible to this user, or choose another path" },
  EROFS: { what: "read-only file system", todo: "choose a path on a writable file system" },
  ENOENT: { what: "no such file or directory", todo: "check the path" },
  ENOTDIR: { what: "a part of the path is a file, not a directory", todo: "check the path" },
  EISDIR: { what: "is a directory", todo: "give a file name" },
  EEXIST: { what: "already exists", todo: "remove it or choose another path" },
  ENOSPC: { what: "no space left on the device", todo: "free some space" },
  EDQUOT: { what: "disk quota exceeded", todo: "free some space" },
  ENAMETOOLONG: { what: "name too long", todo: "choose a shorter path" },
  ELOOP: { what: "too many symbolic links", todo: "check the path's symbolic links" },
  EMFILE: { what: "too many open files", todo: "raise the open-file limit (ulimit -n)" },
  EBUSY: { what: "busy", todo: "retry once what uses it has finished" },
  EIO: { what: "input/output error", todo: "check the disk" },
};

/** The verb a syscall performed, for "cannot VERB PATH". */
const SYSCALL_VERBS: Readonly<Record<string, string>> = {
  open: "open",
  mkdir: "create the directory",
  rename: "replace",
  unlink: "remove",
  rmdir: "remove",
  scandir: "list",
  read: "read",
  write: "write",
  stat: "read",
  lstat: "read",
  chmod: "change the mode of",
  copyfile: "copy",
  symlink: "link",
  link: "link",
};

export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === "string" && /^E[A-Z0-9]+$/.test((err as NodeJS.ErrnoException).code!);
}

/** `permission denied` for EACCES; the code itself for one not listed. */
export function describeErrno(code: string | undefined): string {
  return (code && FILE_SYSTEM_PROBLEMS[code]?.what) ?? code ?? "unknown error";
}

/**
 * A Node file-system error as one line for the operator: the path, what went wrong in words and
 * what to do (`/x: cannot create the directory: permission denied; make it accessible…`). `path`
 * overrides the error's own when the caller knows a better one (the file the user named).
 */
export function fileSystemError(err: NodeJS.ErrnoException, options: { path?: string; action?: string; todo?: string } = {}): RdoctlError {
  const where = options.path ?? err.path ?? "";
  const action = options.action ?? (err.syscall ? SYSCALL_VERBS[err.syscall] ?? err.syscall : "use");
  const problem = err.code ? FILE_SYSTEM_PROBLEMS[err.code] : undefined;
  const todo = options.todo ?? problem?.todo ?? "check the path";
  return new RdoctlError(`${where ? `${where}: ` : ""}cannot ${action}: ${describeErrno(err.code)}; ${todo}`, 1, "file-system");
}
