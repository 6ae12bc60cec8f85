import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { junitReport } from "../../src/pipeline/checks";
import { EXIT_CODES } from "../../src/pipeline/exit-codes";
import { planChanges, terraformError } from "../../src/pipeline/terraform";
import { selectStacks } from "../../src/pipeline/up";
import { ROOT } from "./helpers";

describe("pipeline pieces", () => {
  it("selects day-1 stacks in dependency order, never the install stack, and names unknown ones", () => {
    const all = ["install", "lab-basics", "identity", "app-template"];
    expect(selectStacks(all, undefined)).toEqual(["lab-basics", "identity", "app-template"]);
    expect(selectStacks(all, "app-template,lab-basics")).toEqual(["lab-basics", "app-template"]);
    expect(() => selectStacks(all, "identity,idnetity")).toThrow("--stacks idnetity: not a day-1 stack of the app (lab-basics, identity, app-template)");
    expect(() => selectStacks(all, "install")).toThrow(/not a day-1 stack/);
  });

  it("reads terraform's plan summary and its error block", () => {
    expect(planChanges("…\nPlan: 3 to add, 1 to change, 2 to destroy.\n")).toEqual({ add: 3, change: 1, destroy: 2 });
    expect(planChanges("No changes. Your infrastructure matches the configuration.")).toEqual({ add: 0, change: 0, destroy: 0 });
    const output = "╷\n│ Error: Error creating OpenStack identity client: Post \"http://x:5000/v3/auth/tokens\": dial tcp x:5000: connect: connection refused\n│ \n│   with provider[\"registry.terraform.io/terraform-provider-openstack/openstack\"],\n╵\n";
    expect(terraformError(output)).toBe(
      'Error: Error creating OpenStack identity client: Post "http://x:5000/v3/auth/tokens": dial tcp x:5000: connect: connection refused — with provider["registry.terraform.io/terraform-provider-openstack/openstack"],',
    );
  });

  it("writes a JUnit report CI systems read: counts, failures with their message, escaped names", () => {
    const xml = junitReport("rdoctl up lab", [
      { name: "identity: ahmed gets a token scoped to X (admin)", ok: true, durationMs: 120 },
      { name: 'image "cirros" <is> active', ok: false, message: "status queued & waiting", durationMs: 30 },
    ]);
    expect(xml).toContain('<testsuite name="rdoctl up lab" tests="2" failures="1" errors="0" time="0.150">');
    expect(xml).toContain('<testcase classname="rdoctl up lab" name="image &quot;cirros&quot; &lt;is&gt; active" time="0.030">');
    expect(xml).toContain('<failure message="status queued &amp; waiting"/>');
  });

  it("documents every exit code once, in the README of src/pipeline", () => {
    const codes = Object.values(EXIT_CODES).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    const readme = fs.readFileSync(path.join(ROOT, "src", "pipeline", "README.md"), "utf8");
    for (const code of codes) expect(readme).toMatch(new RegExp(`^\\| ${code} \\| `, "m"));
  });
});
