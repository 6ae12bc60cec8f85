import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkSynthesizedStack,
  defaultSchemaPath,
  findSynthesizedStacks,
  formatFinding,
  loadProviderSchema,
  readSynthesizedStack,
  runCheck,
  type ProviderSchema,
  type SchemaFinding,
} from "../../src/cloud/check";

const ROOT = path.resolve(__dirname, "../..");
let outdir: string;
let schema: ProviderSchema;
const stacks = new Map<string, Record<string, any>>();

/** The first resource of a type in a stack, by its cdktf-generated name. */
function first(stack: Record<string, any>, type: string): { name: string; body: Record<string, any>; address: string } {
  const byName = stack.resource?.[type] as Record<string, Record<string, any>> | undefined;
  const name = byName ? Object.keys(byName)[0] : undefined;
  if (!byName || !name) throw new Error(`the stack has no ${type}; the broken-copy tests need one`);
  return { name, body: byName[name]!, address: `${type}.${name}` };
}

function check(stack: unknown): SchemaFinding[] {
  return checkSynthesizedStack(stack, schema, { stack: "lab-basics" });
}

beforeAll(() => {
  // The real CLI, as a user runs it, into a directory of our own so parallel work in the tree is untouched.
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-synth-"));
  try {
    execFileSync("npx", ["cdktf", "synth", "--output", outdir], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`npx cdktf synth failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
  schema = loadProviderSchema(defaultSchemaPath());
  for (const s of findSynthesizedStacks(outdir)) stacks.set(s.name, readSynthesizedStack(s) as Record<string, any>);
});

describe("the project's stacks against the committed provider schema", () => {
  it("synthesizes the three stacks", () => {
    expect([...stacks.keys()].sort()).toEqual(["app-template", "identity", "lab-basics"]);
  });

  it("every stack passes with no finding at all, warnings included", () => {
    const report = runCheck({ target: outdir });
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.stacks.every((s) => s.resources > 0)).toBe(true);
  });
});

describe("deliberately broken copies of lab-basics are caught, naming resource, construct and attribute", () => {
  const copy = () => structuredClone(stacks.get("lab-basics")!);

  it("a misspelt attribute", () => {
    const stack = copy();
    const router = first(stack, "openstack_networking_router_v2");
    router.body.external_network_idd = router.body.external_network_id;
    delete router.body.external_network_id;
    const findings = check(stack);
    expect(findings).toMatchObject([{ address: router.address, attributePath: "external_network_idd", rule: "unknown-attribute", constructPath: expect.stringMatching(/^lab-basics\//) }]);
    expect(formatFinding(findings[0]!)).toMatch(/^cdk\.tf\.json: lab-basics openstack_networking_router_v2\.\S+ \(lab-basics\/\S+\): external_network_idd: unknown attribute "external_network_idd"; did you mean "external_network_id"\?$/);
  });

  it("a missing required attribute and a wrong literal type", () => {
    const stack = copy();
    const subnet = first(stack, "openstack_networking_subnet_v2");
    delete subnet.body.network_id;
    subnet.body.ip_version = "IPv4";
    expect(check(stack).map((f) => [f.address, f.attributePath, f.rule])).toEqual([
      [subnet.address, "ip_version", "type"],
      [subnet.address, "network_id", "missing-required"],
    ]);
  });

  it("a dangling reference and a reference to an attribute the type does not have", () => {
    const stack = copy();
    const iface = first(stack, "openstack_networking_router_interface_v2");
    iface.body.subnet_id = "${openstack_networking_subnet_v2.nope.id}";
    iface.body.router_id = iface.body.router_id.replace(/\.id\}$/, ".router_id}");
    const findings = check(stack);
    expect(findings.map((f) => [f.address, f.attributePath, f.rule])).toEqual([
      [iface.address, "router_id", "reference"],
      [iface.address, "subnet_id", "reference"],
    ]);
    expect(findings[0]!.message).toContain('"router_id" is not an attribute of openstack_networking_router_v2.');
    expect(findings[1]!.message).toContain('no openstack_networking_subnet_v2 resource named "nope"');
  });

  it("a misspelt resource type, and every reference to the old type now dangling", () => {
    const stack = copy();
    const routers = stack.resource.openstack_networking_router_v2;
    delete stack.resource.openstack_networking_router_v2;
    stack.resource.openstack_networking_routr_v2 = routers;
    const findings = check(stack);
    expect(findings.filter((f) => f.rule === "unknown-type")).toMatchObject(
      Object.keys(routers).map((name) => ({ address: `openstack_networking_routr_v2.${name}`, message: expect.stringContaining('did you mean "openstack_networking_router_v2"?') })),
    );
    const dangling = findings.filter((f) => f.rule === "reference");
    expect(dangling.length).toBeGreaterThan(0);
    for (const f of dangling) expect(f.message).toMatch(/the stack declares no resource of type openstack_networking_router_v2; did you mean "openstack_networking_routr_v2"\?/);
  });

  it("too many blocks and a bad depends_on", () => {
    const stack = copy();
    const subnet = first(stack, "openstack_networking_subnet_v2");
    subnet.body.timeouts = [{ create: "5m" }, { create: "10m" }];
    subnet.body.depends_on = ["${openstack_networking_network_v2.missing}"];
    expect(check(stack).map((f) => [f.address, f.attributePath, f.rule])).toEqual([
      [subnet.address, "timeouts", "block-count"],
      [subnet.address, "depends_on[0]", "depends-on"],
    ]);
  });
});
