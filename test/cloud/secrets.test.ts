import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App, Testing, TerraformStack } from "../../src/cdktf";
import { OpenStackCloud, User } from "../../src/cloud";
import { cloudPaths } from "../../src/workspace";
import { AppTemplateStack } from "../../stacks/app-template";
import { IdentityStack } from "../../stacks/identity";
import { LabBasicsStack } from "../../stacks/lab-basics";
import { onlyResource, synth } from "./synth";

const ADMIN_PASSWORD = "Adm1n-Secret-7f3c9a";
const APP_CREDENTIAL_SECRET = "appcred-5e1d0b77c2";

/** Every file under a directory, as text. */
function readTree(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"))
    .join("\n");
}

describe("no secret reaches the synthesized output", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-cloud-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  // No clouds.yaml of the machine running the tests is found: the provider names the entry only.
  beforeEach(() => {
    vi.stubEnv("HOME", path.join(root, "home"));
    vi.stubEnv("XDG_CONFIG_HOME", "");
    vi.stubEnv("OS_CLIENT_CONFIG_FILE", "");
    vi.stubEnv("RDOCTL_HOME", path.join(root, "no-clouds"));
  });
  afterEach(() => vi.unstubAllEnvs());

  // A cloud "installed" by rdoctl: its clouds.yaml holds the admin password.
  const paths = cloudPaths("lab", root);
  fs.mkdirSync(paths.dir, { recursive: true });
  fs.writeFileSync(
    paths.cloudsYaml,
    [
      "clouds:",
      "  lab:",
      "    auth:",
      "      auth_url: http://192.168.122.10:5000/v3",
      "      username: admin",
      `      password: ${ADMIN_PASSWORD}`,
      "      project_name: admin",
      "      user_domain_name: Default",
      "      project_domain_name: Default",
      `      application_credential_secret: ${APP_CREDENTIAL_SECRET}`,
      "    region_name: RegionOne",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );

  it("keeps clouds.yaml secrets and the environment out of every stack file", () => {
    const outdir = path.join(root, "out");
    const previous = { OS_PASSWORD: process.env.OS_PASSWORD, RDOCTL_HOME: process.env.RDOCTL_HOME };
    process.env.OS_PASSWORD = ADMIN_PASSWORD;
    process.env.RDOCTL_HOME = root;
    try {
      const app = new App({ outdir });
      const props = { cloud: { installed: "lab" } } as const;
      new LabBasicsStack(app, "lab-basics", props);
      new IdentityStack(app, "identity", props);
      new AppTemplateStack(app, "app-template", props);
      const generated = new TerraformStack(app, "generated");
      OpenStackCloud.installed(generated, "cloud", "lab", root);
      new User(generated, "u", { name: "robot", password: { from: "generated" } });
      app.synth();
    } finally {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const installed = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "identity", "cdk.tf.json"), "utf8"));
    expect(installed.variable.clouds_yaml.default).toBe(paths.cloudsYaml);
    expect(installed.provider.openstack[0].password).toBe("${try(local.clouds_yaml_entry.auth.password, null)}");
    const everything = readTree(outdir);
    expect(everything).toContain("openstack_identity_user_v3");
    expect(everything).not.toContain(ADMIN_PASSWORD);
    expect(everything).not.toContain(APP_CREDENTIAL_SECRET);
    // Only references to variables, locals and the generated seed stand where passwords go.
    for (const match of everything.matchAll(/"password": "([^"]*)"/g)) {
      expect(match[1]).toMatch(/^\$\{(var\.[a-z_]+_password|try\(local\.clouds_yaml_entry\.auth\.password, null\)|sensitive\(terraform_data\.[A-Za-z0-9_-]+\.output\.value\))\}$/);
    }
  });

  it("declares user passwords as sensitive variables, without defaults", () => {
    const out = synth(new IdentityStack(Testing.app(), "identity", { cloud: { cloud: "lab" } }));
    expect(Object.keys(out.json.variable ?? {}).sort()).toEqual(["ahmed_password", "ali_password"]);
    for (const variable of Object.values(out.json.variable ?? {})) {
      expect(variable.sensitive).toBe(true);
      expect(variable).not.toHaveProperty("default");
    }
    expect(Testing.toHaveResourceWithProperties(out.text, "openstack_identity_user_v3", { name: "ahmed", password: "${var.ahmed_password}" })).toBe(true);
  });

  it("generates a password in Terraform and exports it only as a sensitive output", () => {
    const stack = new TerraformStack(Testing.app(), "gen");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    new User(stack, "u", { name: "robot", password: { from: "generated" } });
    const out = synth(stack);
    const seed = onlyResource(out, "terraform_data");
    expect(seed.input).toEqual({ value: "${uuid()}" });
    expect(seed.lifecycle).toEqual({ ignore_changes: ["input"] });
    expect(out.json.output?.robot_password).toMatchObject({ sensitive: true });
    expect(onlyResource(out, "openstack_identity_user_v3").password).toMatch(/^\$\{sensitive\(terraform_data\.[^.]+\.output\.value\)\}$/);
  });

  it("reads clouds.yaml in Terraform when the path comes from a variable", () => {
    const stack = new TerraformStack(Testing.app(), "ci");
    new OpenStackCloud(stack, "cloud", { cloud: "ci", cloudsYaml: { from: "variable" } });
    const out = synth(stack);
    expect(out.json.variable?.clouds_yaml).toMatchObject({ type: "string" });
    expect(out.json.variable?.clouds_yaml).not.toHaveProperty("default");
    expect(out.json.locals?.clouds_yaml_entry).toBe('${yamldecode(file(var.clouds_yaml)).clouds["ci"]}');
    const provider = out.json.provider?.openstack?.[0] ?? {};
    expect(provider.auth_url).toBe("${local.clouds_yaml_entry.auth.auth_url}");
    expect(provider).not.toHaveProperty("cloud");
  });

  it("names only the clouds.yaml entry by default", () => {
    const stack = new TerraformStack(Testing.app(), "env");
    new OpenStackCloud(stack, "cloud", { cloud: "lab" });
    expect(Testing.toHaveProviderWithProperties(Testing.synth(stack), "openstack", { cloud: "lab" })).toBe(true);
    const bad = new TerraformStack(Testing.app(), "bad");
    new OpenStackCloud(bad, "cloud", { cloud: "a b" });
    expect(() => Testing.synth(bad, true)).toThrow(/\[bad\/cloud\] cloud "a b" is not a clouds.yaml entry name/);
  });
});
