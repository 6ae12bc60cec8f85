import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./secrets";

/**
 * Writes an answer file with mode 0600 (it holds every password of the cloud), atomically, and
 * creates its directory when missing.
 */
export function writeAnswerFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(path.resolve(file), text);
}
