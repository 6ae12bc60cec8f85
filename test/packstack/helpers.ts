import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { vi } from "vitest";
import { main } from "../../src/cli/main";
import { loadInventory } from "../../src/topology/inventory";
import type { Topology } from "../../src/topology/model";

export const ROOT = path.resolve(__dirname, "..", "..");
export const INVENTORIES = ["all-in-one", "three-node", "six-node"] as const;

export function inventory(name: string): Topology {
  return loadInventory(path.join(ROOT, "inventories", `${name}.yaml`));
}

/** Runs the CLI in this process, capturing stdout/stderr. */
export async function rdoctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(["node", "rdoctl", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/**
 * Reads an answer file with Python's own configparser.RawConfigParser, as Packstack does, and
 * returns [general] as an object: an independent reader for what rdoctl writes.
 */
export function pythonRead(file: string): { sections: string[]; general: Record<string, string> } {
  const script = [
    "import configparser, json, sys",
    "c = configparser.RawConfigParser()",
    "c.read(sys.argv[1])",
    "print(json.dumps({'sections': c.sections(), 'general': {k.upper(): v for k, v in c.items('general')}}))",
  ].join("\n");
  const run = spawnSync("python3", ["-c", script, file], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 configparser failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { sections: string[]; general: Record<string, string> };
}

export function hasPython(): boolean {
  return spawnSync("python3", ["-c", "import configparser"]).status === 0;
}
