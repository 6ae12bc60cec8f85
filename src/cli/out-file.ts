import * as fs from "node:fs";
import * as path from "node:path";
import { fileSystemError, isErrnoException, RdoctlError } from "../errors";

/**
 * Checks a file the operator named with `--out` before any work is done: it must name a file
 * (not a directory, no trailing slash) in a directory that exists. rdoctl never creates the
 * operator's directories on a guess. `example` is a file name to suggest inside a directory.
 */
export function checkOutputFile(file: string, option: string, example: string): string {
  if (file === "") throw new RdoctlError(`${option} "": give a file name`, 2, "usage");
  if (/[/\\]$/.test(file)) {
    throw new RdoctlError(`${file}: ${option} names a directory (it ends with /); give a file name such as ${path.join(file, example)}`, 1, "output-path");
  }
  const stat = statOrUndefined(file);
  if (stat?.isDirectory()) {
    throw new RdoctlError(`${file}: ${option} names a directory; give a file name such as ${path.join(file, example)}`, 1, "output-path");
  }
  if (stat && !stat.isFile()) throw new RdoctlError(`${file}: ${option} names something that is not a regular file; give a file name`, 1, "output-path");
  const dir = path.dirname(path.resolve(file));
  const parent = statOrUndefined(dir);
  if (!parent) throw new RdoctlError(`${path.dirname(file)}: no such directory for ${option} ${file}; create it first (mkdir -p ${path.dirname(file)}) or choose another path`, 1, "output-path");
  if (!parent.isDirectory()) throw new RdoctlError(`${path.dirname(file)}: not a directory, so ${option} ${file} cannot be written; choose another path`, 1, "output-path");
  return file;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") return undefined;
    if (isErrnoException(err)) throw fileSystemError(err, { path: file, action: "look at" });
    throw err;
  }
}

/** Runs a write to `file`; a file-system failure becomes one line naming `file`, not a temporary name. */
export function writingTo<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (isErrnoException(err) && err.syscall) throw fileSystemError(err, { path: file, action: "write", todo: writeAdvice(err.code) });
    throw err;
  }
}

function writeAdvice(code: string | undefined): string {
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "choose a writable directory, or fix its permissions";
  return "check the path and the disk";
}
