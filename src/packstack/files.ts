import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../errors";
import { writeFileAtomic } from "./secrets";

/**
 * Writes an answer file with mode 0600 (it holds every password of the cloud), atomically, and
 * creates its directory when missing.
 */
export function writeAnswerFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(path.resolve(file), text);
}

/** Reads an answer file for check/import/diff; a missing file is the user's error, not a crash. */
export function readAnswerFileText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new RdoctlError(`${file}: answer file not found`);
    if (code === "EISDIR") throw new RdoctlError(`${file}: is a directory, not an answer file`);
    if (code === "EACCES") throw new RdoctlError(`${file}: not readable (permission denied)`);
    throw err;
  }
}
