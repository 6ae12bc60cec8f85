import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TerraformStack, Testing } from "../../src/cdktf";
import { OpenStackCloud, cloudsYamlCandidates, runApp } from "../../src/cloud";
import { runEngine } from "../../src/cloud/engine";
import { initProviderOnly } from "../../src/cloud/provider-schema";
import { engineOrSkip } from "../provider/engine";
import { problemsAfter, synth, type SynthesizedStack } from "./synth";

const engine = engineOrSkip("test/cloud/credentials.test.ts");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-credentials-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const TERRAFORM = ["/usr/local/bin/terraform", "/usr/bin/terraform"].find((f) => fs.existsSync(f));

/** A clouds.yaml as openstacksdk users write them: ids instead of names, `domain_id` for both domains. */
const BY_IDS = `clouds:
  lab:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      user_id: 9f1c2d
      password: not-printed-anywhere
      project_id: 4a5b6c
      domain_id: d0m41n
    regions: [RegionTwo]
    interface: internal
    verify: false
  by-names:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      password: not-printed-anywhere
      tenant_name: admin
      user_domain_name: Default
      project_domain_id: default
    region_name: RegionOne
  domain-scoped:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      password: not-printed-anywhere
      domain_name: example
`;

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function stackFor(cloud: string, id = cloud): { stack: TerraformStack; made: OpenStackCloud } {
  const stack = new TerraformStack(Testing.app(), id);
  return { stack, made: new OpenStackCloud(stack, "cloud", { cloud }) };
}

/**
 * What Terraform itself makes of the provider arguments: the stack's variable and local, and one
 * output per provider argument, applied with no provider at all (nothing leaves the machine).
 */
function providerArgumentsByTerraform(out: SynthesizedStack): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(tmp, "tf-"));
  const provider = out.json.provider?.openstack?.[0] ?? {};
  const outputs = Object.fromEntries(Object.entries(provider).filter(([k]) => k !== "alias").map(([k, v]) => [k, { value: v }]));
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ variable: out.json.variable, locals: out.json.locals, output: outputs }));
  const env = { ...process.env, TF_IN_AUTOMATION: "1", TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" };
  execFileSync(TERRAFORM!, ["init", "-input=false"], { cwd: dir, env, stdio: "pipe" });
  execFileSync(TERRAFORM!, ["apply", "-auto-approve", "-input=false"], { cwd: dir, env, stdio: "pipe" });
  const json = JSON.parse(execFileSync(TERRAFORM!, ["output", "-json"], { cwd: dir, env, encoding: "utf8" })) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v.value]));
}

describe("which clouds.yaml a stack uses", () => {
  beforeEach(() => {
    vi.stubEnv("HOME", path.join(tmp, "home"));
    vi.stubEnv("XDG_CONFIG_HOME", "");
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", "");
    vi.stubEnv("RDOCTL_HOME", path.join(tmp, "rdoctl-home"));
  });
  afterEach(() => vi.unstubAllEnvs());

  it("searches where openstacksdk does, in its order, with absolute paths", () => {
    const files = cloudsYamlCandidates({ HOME: "/home/op", OS_CLIENT_CONFIG_FILE: "conf/c.yaml" }, "/work/p").map((c) => c.file);
    expect(files.slice(0, 4)).toEqual(["/work/p/conf/c.yaml", "/work/p/clouds.yaml", "/work/p/clouds.yml", "/work/p/clouds.json"]);
    expect(files).toContain("/home/op/.config/openstack/clouds.yaml");
    expect(files.indexOf("/home/op/.config/openstack/clouds.yaml")).toBeLessThan(files.indexOf("/etc/openstack/clouds.yaml"));
  });

  it("resolves a relative OS_CLIENT_CONFIG_FILE at synth, so Terraform finds it from cdktf.out/stacks/<stack>/", () => {
    const file = write("project/clouds.yaml", BY_IDS);
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", path.relative(process.cwd(), file));
    const { stack, made } = stackFor("lab");
    const out = synth(stack);
    expect(out.json.variable?.clouds_yaml?.default).toBe(file);
    expect(path.isAbsolute(String(out.json.variable?.clouds_yaml?.default))).toBe(true);
    expect(made.credentialsSource).toBe(`lab: clouds.yaml entry "lab" of ${file} (found through OS_CLIENT_CONFIG_FILE)`);
    expect(out.text).not.toContain("not-printed-anywhere");
  });

  it("finds ~/.config/openstack/clouds.yaml, and rdoctl's own clouds.yaml for a cloud it installed", () => {
    const user = write("home/.config/openstack/clouds.yaml", BY_IDS);
    expect(stackFor("lab").made.credentialsSource).toContain(`of ${user} (found through the user's config directory)`);
    const own = write("rdoctl-home/clouds/aio/clouds.yaml", "clouds:\n  aio:\n    auth: { auth_url: http://127.0.0.1:5000/v3 }\n");
    expect(stackFor("aio").made.credentialsSource).toBe(`aio: clouds.yaml entry "aio" of ${own} (written by rdoctl install)`);
    fs.rmSync(user);
  });

  it("names a missing entry at synth, with the entries the file has", () => {
    const file = write("other/clouds.yaml", BY_IDS);
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", file);
    expect(problemsAfter(() => stackFor("prod").made)).toBe(
      `prod/cloud: clouds.yaml ${file} has no entry "prod" (entries: lab, by-names, domain-scoped); add it, or point OS_CLIENT_CONFIG_FILE at the file that has it`,
    );
  });

  it("without any clouds.yaml at synth, leaves the lookup to the provider and says so", () => {
    const { stack, made } = stackFor("lab");
    expect(synth(stack).json.provider?.openstack?.[0]).toMatchObject({ cloud: "lab" });
    expect(made.credentialsSource).toMatch(/^lab: clouds.yaml entry "lab"; no clouds.yaml at synth/);
  });

  it("runApp prints one line per stack naming its clouds.yaml and entry", () => {
    const file = write("run/clouds.yaml", BY_IDS);
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", file);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      runApp((app) => {
        new OpenStackCloud(new TerraformStack(app, "one"), "cloud", { cloud: "lab" });
        new OpenStackCloud(new TerraformStack(app, "two"), "cloud", { cloud: "by-names" });
      }, Testing.app());
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      `rdoctl: one: clouds.yaml entry "lab" of ${file} (found through OS_CLIENT_CONFIG_FILE)\n`,
      `rdoctl: two: clouds.yaml entry "by-names" of ${file} (found through OS_CLIENT_CONFIG_FILE)\n`,
    ]);
  });

  it.skipIf(!engine)("terraform validate with the real provider accepts the provider block filled from clouds.yaml", () => {
    const file = write("validate/clouds.yaml", BY_IDS);
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", file);
    const dir = fs.mkdtempSync(path.join(tmp, "validate-"));
    initProviderOnly(engine!, dir);
    fs.writeFileSync(path.join(dir, "main.tf.json"), synth(stackFor("lab").stack).text);
    const run = runEngine(engine!, ["validate", "-json", "-no-color"], dir);
    const verdict = JSON.parse(run.stdout) as { valid: boolean; diagnostics: { severity: string }[] };
    expect(verdict.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(verdict.valid).toBe(true);
  });

  it.skipIf(!TERRAFORM)("Terraform fills the provider from ids, names, domain_id for both domains, regions and verify, as openstacksdk does", () => {
    const file = write("tf/clouds.yaml", BY_IDS);
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", file);
    expect(providerArgumentsByTerraform(synth(stackFor("lab").stack))).toEqual({
      auth_url: "http://127.0.0.1:5000/v3",
      user_id: "9f1c2d",
      password: "not-printed-anywhere",
      tenant_id: "4a5b6c",
      user_domain_id: "d0m41n",
      project_domain_id: "d0m41n",
      region: "RegionTwo",
      endpoint_type: "internal",
      insecure: true,
    });
    expect(providerArgumentsByTerraform(synth(stackFor("by-names").stack))).toEqual({
      auth_url: "http://127.0.0.1:5000/v3",
      user_name: "admin",
      password: "not-printed-anywhere",
      tenant_name: "admin",
      user_domain_name: "Default",
      project_domain_id: "default",
      region: "RegionOne",
    });
    expect(providerArgumentsByTerraform(synth(stackFor("domain-scoped").stack))).toEqual({
      auth_url: "http://127.0.0.1:5000/v3",
      user_name: "admin",
      password: "not-printed-anywhere",
      domain_name: "example",
    });
  });
});
