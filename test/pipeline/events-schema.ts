// Validates NDJSON output against the published schema (schema/events.schema.json).
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { ROOT } from "./helpers";

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, "schema", "events.schema.json"), "utf8")));

/** Every stdout line that is not valid JSON or not a valid event, with the reason. */
export function invalidEvents(stdout: string): string[] {
  const problems: string[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      problems.push(`not JSON: ${line.slice(0, 200)}`);
      continue;
    }
    if (!validate(event)) problems.push(`${ajv.errorsText(validate.errors)}: ${line.slice(0, 300)}`);
  }
  return problems;
}

export function parseEvents(stdout: string): Array<Record<string, unknown> & { type: string }> {
  return stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
