import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineCacheDir, locateEngine } from "../../src/cloud/engine";
import { labCloud, type CliResult, type LabCloud } from "../install/lab-cloud";
import { CDKTF, CDKTF_QUIET, LAB_CLOUD_EXTRA, RDOCTL_FROM_SOURCES, run } from "./helpers";
import { labRoles } from "../lab/inventory";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "../lab/lab";
import { httpCall } from "../lab/openstack-api";
import { enableRealOpenStack, ensureOpenStackVenv } from "../lab/openstack-cloud";
import { invalidEvents, parseEvents } from "./events-schema";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/pipeline/up-cloud.test.ts");
process.env.RDOCTL_ENGINE_CACHE ??= engineCacheDir();
const engineMissing = locateEngine().problems.length > 0 ? "engine not ready (npm run engine)" : undefined;
if (support.ok && engineMissing) reportLabSkipped(engineMissing, "test/pipeline/up-cloud.test.ts");

function explain(r: CliResult): string {
  return `exit ${r.code}\nstderr:\n${r.stderr.slice(-4000)}\nstdout tail:\n${r.stdout.slice(-4000)}`;
}

/** Keystone's answer to a password login scoped to `project` of domain `example`. */
async function scopedToken(authUrl: string, user: string, password: string, project: string): Promise<{ status: number; roles: string[] }> {
  const r = await httpCall(`POST`, `${authUrl}/auth/tokens`, {
    body: {
      auth: {
        identity: { methods: ["password"], password: { user: { name: user, domain: { name: "example" }, password } } },
        scope: { project: { name: project, domain: { name: "example" } } },
      },
    },
  });
  return { status: r.status, roles: ((r.body as { token?: { roles?: Array<{ name: string }> } })?.token?.roles ?? []).map((x) => x.name).sort() };
}

/**
 * `rdoctl up` all the way on the lab with real OpenStack services (the lab's Packstack starts
 * them from the answer file): install, credentials, the identity stack applied by the real
 * engine, tokens checked through Keystone; a rerun changes nothing; `rdoctl down` says what it
 * removes, then removes it (read back through the API); then the same cloud through one cdktf
 * deploy of the install and identity stacks.
 */
describe.runIf(support.ok && !engineMissing)("rdoctl up / down on the lab's real OpenStack, three nodes", () => {
  let lab: Lab;
  let cloud: LabCloud;
  let authUrl: string;
  let adminToken: string;

  beforeAll(async () => {
    const venv = await ensureOpenStackVenv("2025.1");
    // Three nodes, as a small cloud is laid out: controller, network, compute.
    lab = await startLab({ hosts: [{ delayScale: 0 }, { delayScale: 0 }, { delayScale: 0 }] });
    enableRealOpenStack(lab, venv);
    cloud = labCloud(lab, "upcloud", labRoles(3), LAB_CLOUD_EXTRA);
  }, 900_000);
  afterAll(async () => {
    cloud?.dispose();
    await lab?.stop();
  }, 300_000);

  const identityGone = async () => {
    const projects = await httpCall("GET", `${authUrl}/projects?name=X`, { headers: { "X-Auth-Token": adminToken } });
    return (projects.body as { projects: unknown[] }).projects.length === 0;
  };

  it(
    "up: install, identity stack, tokens checked; rerun plans no change; down lists, then removes",
    async () => {
      const up = await cloud.rdoctl(["up", cloud.inventory, "--json", "--stacks", "identity"]);
      expect(up.code, explain(up)).toBe(0);
      expect(invalidEvents(up.stdout)).toEqual([]);
      const events = parseEvents(up.stdout);
      const checks = events.filter((e) => e.type === "result-check");
      const names = checks.map((c) => `${c.ok ? "ok" : "FAIL"} ${c.name}`);
      for (const expected of [
        "ok identity: ahmed gets a token scoped to X (admin)",
        "ok identity: ahmed gets a token scoped to Y (member)",
        "ok identity: ahmed is refused a token for Z",
        "ok identity: ali gets a token scoped to Z (admin)",
        "ok identity: ali is refused a token for X",
        "ok identity: ali is refused a token for Y",
      ]) {
        expect(names).toContain(expected);
      }
      expect(checks.every((c) => c.ok), names.join("\n")).toBe(true);
      const summary = events.find((e) => e.type === "summary")!;
      expect(summary.usage).toMatch(/^OS_CLIENT_CONFIG_FILE=\S+clouds\.yaml openstack --os-cloud upcloud /);
      expect((summary.endpoints as Array<{ service: string }>).map((e) => e.service)).toEqual(expect.arrayContaining(["identity", "compute", "network", "image"]));
      expect(summary.dashboard).toBe(`http://${lab.hosts[0]!.address}/dashboard`);
      const artifacts = summary.artifacts as string;
      const junit = fs.readFileSync(path.join(artifacts, "junit.xml"), "utf8");
      expect(junit).toMatch(new RegExp(`<testsuite name="rdoctl up upcloud" tests="${checks.length}" failures="0"`));
      for (const file of ["answers.txt", "clouds.yaml", "events.ndjson", "summary.json", "terraform/identity.apply.log"]) expect(fs.existsSync(path.join(artifacts, file)), file).toBe(true);
      expect(fs.statSync(path.join(artifacts, "clouds.yaml")).mode & 0o777).toBe(0o600);

      // Our own reading of the cloud, beside rdoctl's checks.
      const entry = YAML.parse(fs.readFileSync(path.join(artifacts, "clouds.yaml"), "utf8")).clouds.upcloud;
      authUrl = String(entry.auth.auth_url).replace(/\/+$/, "");
      const admin = await httpCall("POST", `${authUrl}/auth/tokens`, {
        body: { auth: { identity: { methods: ["password"], password: { user: { name: entry.auth.username, domain: { name: "Default" }, password: entry.auth.password } } }, scope: { project: { name: "admin", domain: { name: "Default" } } } } },
      });
      adminToken = String(admin.headers["x-subject-token"]);
      expect(await identityGone()).toBe(false);

      // Rerun: the install is done, the identity stack plans no change and nothing is applied.
      const again = await cloud.rdoctl(["up", cloud.inventory, "--json", "--stacks", "identity"]);
      expect(again.code, explain(again)).toBe(0);
      const tf = parseEvents(again.stdout).filter((e) => e.type === "terraform" && e.status === "done");
      expect(tf.find((e) => e.action === "plan")).toMatchObject({ stack: "identity", changes: { add: 0, change: 0, destroy: 0 } });
      expect(tf.some((e) => e.action === "apply")).toBe(false);

      // down off a terminal without --yes: lists what it would remove, removes nothing, exit 2.
      const refused = await cloud.rdoctl(["down", cloud.inventory, "--stacks", "identity"]);
      expect(refused.code, explain(refused)).toBe(2);
      expect(refused.stdout).toMatch(/\[identity\] terraform state ok: .*openstack_identity_project_v3\./);
      expect(refused.stderr).toMatch(/removes \d+ day-1 resource\(s\).*Rerun with --yes/);
      expect(await identityGone()).toBe(false);

      const down = await cloud.rdoctl(["down", cloud.inventory, "--stacks", "identity", "--yes", "--json"]);
      expect(down.code, explain(down)).toBe(0);
      expect(invalidEvents(down.stdout)).toEqual([]);
      expect(await identityGone()).toBe(true);
      const domains = await httpCall("GET", `${authUrl}/domains?name=example`, { headers: { "X-Auth-Token": adminToken } });
      expect((domains.body as { domains: unknown[] }).domains).toEqual([]);
    },
    1_500_000,
  );

  it(
    "one cdktf deploy of the install and identity stacks: the install (done, so quick) first, then the stack with the installed cloud's credentials",
    async () => {
      const env = {
        ...process.env,
        ...CDKTF_QUIET,
        ...locateEngine().env,
        HOME: path.dirname(cloud.sshDir),
        SSH_AUTH_SOCK: "",
        RDOCTL_HOME: cloud.home,
        RDOCTL_INSTALL: "1",
        RDOCTL_INVENTORY: cloud.inventory,
        RDOCTL_COMMAND: RDOCTL_FROM_SOURCES,
        // cdktf's default local state sits in the project folder, shared by every checkout user.
        RDOCTL_STATE_DIR: path.join(path.dirname(cloud.inventory), "state"),
        TF_VAR_ahmed_password: "ahmed-secret-1",
        TF_VAR_ali_password: "ali-secret-22",
      };
      const outdir = path.join(path.dirname(cloud.inventory), "cdktf.out");
      const deploy = await run(CDKTF, ["deploy", "install", "identity", "--auto-approve", "--skip-provider-lock", "--output", outdir], { env });
      expect(deploy.code, `${deploy.stdout.slice(-4000)}\n${deploy.stderr.slice(-2000)}`).toBe(0);
      const shown = deploy.stdout.replace(/\x1b\[[0-9;]*m/g, "");
      const installed = shown.search(/install\s+terraform_data\.install: Creation complete/);
      expect(installed, shown.slice(-3000)).toBeGreaterThan(-1);
      expect(shown.search(/identity\s+openstack_identity_project_v3\.\S+: Creating/)).toBeGreaterThan(installed);
      // member, and reader which Keystone's default roles imply; not admin.
      expect(await scopedToken(authUrl, "ahmed", "ahmed-secret-1", "Y")).toEqual({ status: 201, roles: ["member", "reader"] });
      expect((await scopedToken(authUrl, "ahmed", "ahmed-secret-1", "Z")).status).toBe(401);
      for (const stack of ["install", "identity"]) {
        const tfJson = fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
        expect(tfJson).not.toContain("ahmed-secret-1");
        expect(tfJson).not.toContain(YAML.parse(fs.readFileSync(path.join(cloud.home, "clouds", "upcloud", "clouds.yaml"), "utf8")).clouds.upcloud.auth.password);
      }
      const destroy = await run(CDKTF, ["destroy", "identity", "--auto-approve", "--skip-provider-lock", "--output", outdir], { env });
      expect(destroy.code, destroy.stdout.slice(-3000)).toBe(0);
      expect(await identityGone()).toBe(true);
    },
    900_000,
  );
});
