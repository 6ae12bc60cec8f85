// `terraform validate` (or tofu's) with the real provider is the authority on the synthesized
// stacks; `rdoctl check` is the fast offline check for people without an engine. The two must agree:
// on the project's stacks (both valid) and on deliberately broken copies (both invalid, and every
// resource the engine names is one rdoctl check names too).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSynthesizedStack, defaultSchemaPath, findSynthesizedStacks, loadProviderSchema, readSynthesizedStack, type ProviderSchema } from "../../src/cloud/check";
import { runEngine, type EngineStatus } from "../../src/cloud/engine";
import { initProviderOnly } from "../../src/cloud/provider-schema";
import { engineOrSkip } from "../provider/engine";

const ROOT = path.resolve(__dirname, "../..");
const engine = engineOrSkip("test/check/validate-agreement.test.ts");

interface Verdict {
  readonly valid: boolean;
  /** Resource addresses (`type.name`, `data.type.name`) the errors are about. */
  readonly addresses: readonly string[];
  readonly messages: readonly string[];
}

interface ValidateOutput {
  valid: boolean;
  diagnostics: { severity: string; summary: string; detail?: string; snippet?: { context?: string | null } }[];
}

/**
 * The resource a diagnostic is about. In JSON configuration the snippet's context is
 * `resource.TYPE.NAME[.block…]` or `data.TYPE.NAME…`; for an unknown type it is only `resource` or
 * `data`, and the type is in the detail: then the address is the type (or `data.TYPE`) alone.
 */
function diagnosticAddress(d: ValidateOutput["diagnostics"][number]): string | undefined {
  const parts = (d.snippet?.context ?? "").split(".");
  if (parts[0] === "resource" && parts.length >= 3) return `${parts[1]}.${parts[2]}`;
  if (parts[0] === "data" && parts.length >= 3) return `data.${parts[1]}.${parts[2]}`;
  const type = /(?:resource type|data source) "([^"]+)"/.exec(d.detail ?? "")?.[1];
  if (type) return parts[0] === "data" ? `data.${type}` : type;
  return undefined;
}

function engineVerdict(status: EngineStatus, dir: string): Verdict {
  const run = runEngine(status, ["validate", "-json", "-no-color"], dir);
  const out = JSON.parse(run.stdout) as ValidateOutput;
  const errors = out.diagnostics.filter((d) => d.severity === "error");
  return {
    valid: out.valid,
    addresses: [...new Set(errors.map(diagnosticAddress).filter((a): a is string => a !== undefined))].sort(),
    messages: errors.map((d) => `${d.snippet?.context ?? ""}: ${d.summary}: ${d.detail ?? ""}`),
  };
}

function checkVerdict(stack: unknown, schema: ProviderSchema, name: string): Verdict {
  const errors = checkSynthesizedStack(stack, schema, { stack: name }).filter((f) => f.severity === "error");
  return { valid: errors.length === 0, addresses: [...new Set(errors.map((f) => f.address))].sort(), messages: errors.map((f) => f.message) };
}

type Stack = Record<string, any>;

function first(stack: Stack, type: string): { body: Stack; address: string } {
  const byName = stack.resource[type] as Record<string, Stack>;
  const name = Object.keys(byName)[0]!;
  return { body: byName[name]!, address: `${type}.${name}` };
}

/** Broken copies of lab-basics: each names the mistake and how to make it. */
const BROKEN: readonly [string, (stack: Stack) => void][] = [
  ["a misspelt attribute", (s) => {
    const router = first(s, "openstack_networking_router_v2").body;
    router.external_network_idd = router.external_network_id;
    delete router.external_network_id;
  }],
  ["a missing required attribute", (s) => {
    delete first(s, "openstack_networking_subnet_v2").body.network_id;
  }],
  ["a wrong literal type", (s) => {
    first(s, "openstack_networking_subnet_v2").body.ip_version = "IPv4";
  }],
  ["a dangling reference", (s) => {
    first(s, "openstack_networking_router_interface_v2").body.subnet_id = "${openstack_networking_subnet_v2.nope.id}";
  }],
  ["a reference to an attribute the type does not have", (s) => {
    const iface = first(s, "openstack_networking_router_interface_v2").body;
    iface.router_id = String(iface.router_id).replace(/\.id\}$/, ".router_idd}");
  }],
  ["a misspelt resource type", (s) => {
    s.resource.openstack_compute_flavour_v2 = s.resource.openstack_compute_flavor_v2 ?? s.resource.openstack_images_image_v2;
    delete s.resource.openstack_compute_flavor_v2;
    delete s.resource.openstack_images_image_v2;
  }],
  ["an unknown nested block", (s) => {
    first(s, "openstack_networking_subnet_v2").body.allocation_pools = [{ start: "192.168.100.10", end: "192.168.100.20" }];
  }],
  ["two timeouts blocks where one is allowed", (s) => {
    first(s, "openstack_networking_subnet_v2").body.timeouts = [{ create: "5m" }, { create: "10m" }];
  }],
  ["an unknown attribute in a nested block", (s) => {
    first(s, "openstack_networking_secgroup_rule_v2").body.timeouts = { craete: "5m" };
  }],
  ["a depends_on naming nothing", (s) => {
    first(s, "openstack_networking_subnet_v2").body.depends_on = ["openstack_networking_network_v2.missing"];
  }],
  ["an unknown data source", (s) => {
    s.data = { ...(s.data ?? {}), openstack_images_image_v3: { img: { name: "x" } } };
  }],
  ["a list where a string is needed", (s) => {
    first(s, "openstack_networking_network_v2").body.name = ["public", "private"];
  }],
];

describe.skipIf(!engine)("terraform validate and rdoctl check agree", () => {
  let outdir: string;
  let workspace: string;
  let schema: ProviderSchema;
  const stacks = new Map<string, { dir: string; json: Stack }>();

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-validate-"));
    try {
      execFileSync("npx", ["cdktf", "synth", "--output", outdir], {
        cwd: ROOT,
        env: { ...process.env, ...engine!.env, CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
      });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`npx cdktf synth failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    }
    for (const s of findSynthesizedStacks(outdir)) stacks.set(s.name, { dir: path.dirname(s.file), json: readSynthesizedStack(s) as Stack });
    schema = loadProviderSchema(defaultSchemaPath());
    // One initialized workspace for the broken copies: its main.tf.json is replaced per case.
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-validate-ws-"));
    initProviderOnly(engine!, workspace);
  });
  afterAll(() => {
    for (const dir of [outdir, workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(["lab-basics", "identity", "app-template"])("%s: init with the mirror, then validate: valid, as rdoctl check says", (name) => {
    const stack = stacks.get(name);
    expect(stack, `cdktf synth wrote no ${name}`).toBeDefined();
    const init = runEngine(engine!, ["init", "-input=false", "-no-color"], stack!.dir);
    expect(init.status, init.stderr).toBe(0);
    const truth = engineVerdict(engine!, stack!.dir);
    expect(truth.messages).toEqual([]);
    expect(checkVerdict(stack!.json, schema, name)).toEqual(truth);
  });

  it.each(BROKEN)("lab-basics with %s: invalid for both, on the same resources", (_what, mutate) => {
    const stack = structuredClone(stacks.get("lab-basics")!.json);
    delete stack.terraform.backend;
    mutate(stack);
    fs.writeFileSync(path.join(workspace, "main.tf.json"), JSON.stringify(stack, null, 2));
    const truth = engineVerdict(engine!, workspace);
    const ours = checkVerdict(stack, schema, "lab-basics");
    expect(truth.valid, truth.messages.join("\n")).toBe(false);
    expect(ours.valid, `rdoctl check finds nothing; terraform says:\n${truth.messages.join("\n")}`).toBe(false);
    // Terraform stops at the first phase that fails, so it may name fewer; never one rdoctl check misses.
    expect(truth.addresses.length, truth.messages.join("\n")).toBeGreaterThan(0);
    for (const address of truth.addresses) {
      const named = ours.addresses.some((a) => a === address || a.startsWith(`${address}.`));
      expect(named, `terraform names ${address}, rdoctl check only ${ours.addresses.join(", ")}`).toBe(true);
    }
  });
});
