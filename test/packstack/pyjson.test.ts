import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pythonJsonLoads } from "../../src/packstack/pyjson";
import { pyReprJson } from "../../src/packstack/pyrepr";

const SAMPLES = [
  '["start=10.0.0.10,end=10.0.0.20"]', "[]", " [ ] ", "", "   ", "start=a,end=b", "['start=a']", '["a",]', '["a" "b"]', '{"a": 1}', '{"a" 1}',
  "{a: 1}", '{"a": 1,}', '["unterminated', '["bad \\q escape"]', '["\\u12"]', "[1, 2] x", "01", "-", "NaN", "[Infinity, -Infinity]", "1e3", "[1.5e-7, 2e16]",
  '"x\'y"', "true", "null", '{"k": [1, {"z": null}]}', "[1,\n 2,\n x]",
];

describe("Python json.loads, as Packstack parses CONFIG_PROVISION_DEMO_ALLOCATION_POOLS", () => {
  it("accepts, rejects and reports positions exactly like python3", () => {
    const script = [
      "import json, sys",
      "for s in json.load(sys.stdin):",
      "    try:",
      "        print(json.dumps({'repr': repr(json.loads(s))}))",
      "    except json.JSONDecodeError as e:",
      "        print(json.dumps({'error': str(e)}))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(SAMPLES), encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const expected = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { repr?: string; error?: string });
    const mine = SAMPLES.map((s) => {
      const result = pythonJsonLoads(s);
      return "error" in result ? { error: result.error } : { repr: pyReprJson(result.value) };
    });
    expect(mine).toEqual(expected);
  });
});
