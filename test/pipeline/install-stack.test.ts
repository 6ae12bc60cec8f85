import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateEngine } from "../../src/cloud/engine";
import { findEngine } from "../../src/pipeline/engine";
import { labCloud, type LabCloud } from "../install/lab-cloud";
import { CDKTF, CDKTF_QUIET, explain, LAB_CLOUD_EXTRA, RDOCTL_FROM_SOURCES, ROOT, run } from "./helpers";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "../lab/lab";
import { postgresUnavailable, startPostgres, type Postgres } from "./postgres";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/pipeline/install-stack.test.ts");
const engineMissing = locateEngine().engine ? undefined : "no terraform or tofu (npm run engine)";
const missing = engineMissing ?? postgresUnavailable();
if (support.ok && missing) reportLabSkipped(missing, "test/pipeline/install-stack.test.ts");

/**
 * The install stack of the cdktf app, deployed for real: Terraform (state in PostgreSQL) runs
 * `rdoctl install --json` on lab hosts through the stack's local-exec.
 */
describe.runIf(support.ok && !missing)("install stack on the lab", () => {
  let lab: Lab;
  let pg: Postgres;
  let cloud: LabCloud;
  let work: string;
  let env: NodeJS.ProcessEnv;

  const synth = async (outdir: string) => {
    const r = await run(path.join(ROOT, "node_modules", ".bin", "tsx"), ["stacks/main.ts"], { env: { ...env, CDKTF_OUTDIR: outdir } });
    expect(r.code, explain(r)).toBe(0);
    return path.join(outdir, "stacks", "install");
  };
  let engineBinary: string;
  const terraform = (cwd: string, args: string[]) => run(engineBinary, args, { cwd, env });

  beforeAll(async () => {
    [lab, pg] = await Promise.all([startLab({ hosts: 1 }), startPostgres()]);
    cloud = labCloud(lab, "stacklab", [["controller", "network", "compute"]], LAB_CLOUD_EXTRA);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-install-stack-"));
    // Located before HOME moves (the engine cache is under the real HOME).
    const engine = findEngine(process.env);
    engineBinary = engine.binary;
    env = {
      ...engine.env,
      ...CDKTF_QUIET,
      HOME: path.dirname(cloud.sshDir),
      SSH_AUTH_SOCK: "",
      RDOCTL_HOME: cloud.home,
      RDOCTL_INSTALL: "1",
      RDOCTL_INVENTORY: cloud.inventory,
      RDOCTL_COMMAND: RDOCTL_FROM_SOURCES,
      RDOCTL_STATE: "pg",
      PG_CONN_STR: pg.connStr,
    };
  }, 120_000);

  afterAll(async () => {
    cloud?.dispose();
    pg?.stop();
    await lab?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it(
    "deploys the install (rdoctl install --json), plans no change after, and re-plans the install when the inventory changes",
    async () => {
      const stackDir = await synth(path.join(work, "out1"));
      const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
      const install = tf.resource.terraform_data.install;
      expect(install.provisioner[0]["local-exec"].command).toMatch(/ install --json .*stacklab\.yaml$/);
      expect(Object.keys(install.triggers_replace).sort()).toEqual(["answers_sha256", "topology_sha256"]);
      // Day-1 stacks wait for it, and read the credentials the install writes.
      const manifest = JSON.parse(fs.readFileSync(path.join(work, "out1", "manifest.json"), "utf8"));
      expect(manifest.stacks["identity"].dependencies).toEqual(["install"]);
      expect(manifest.stacks["app-template"].dependencies.sort()).toEqual(["install", "lab-basics"]);
      const identity = fs.readFileSync(path.join(work, "out1", "stacks", "identity", "cdk.tf.json"), "utf8");
      expect(identity).toContain(path.join(cloud.home, "clouds", "stacklab", "clouds.yaml"));

      const init = await terraform(stackDir, ["init", "-input=false", "-no-color"]);
      expect(init.code, explain(init)).toBe(0);
      const apply = await terraform(stackDir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
      expect(apply.code, explain(apply)).toBe(0);
      expect(apply.stdout).toContain("Apply complete! Resources: 1 added");
      // The install's NDJSON events, through Terraform's local-exec output.
      expect(apply.stdout).toMatch(/\(local-exec\): \{"type":"finished","ok":true/);
      const cloudsYaml = path.join(cloud.home, "clouds", "stacklab", "clouds.yaml");
      expect(fs.statSync(cloudsYaml).mode & 0o777).toBe(0o600);
      const password = YAML.parse(fs.readFileSync(cloudsYaml, "utf8")).clouds.stacklab.auth.password as string;
      expect(password.length).toBeGreaterThan(8);

      // Neither cdk.tf.json nor the state carries the credentials.
      const state = (await terraform(stackDir, ["state", "pull"])).stdout;
      for (const text of [state, JSON.stringify(tf), identity]) expect(text).not.toContain(password);

      const again = await terraform(stackDir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
      expect(again.code, explain(again)).toBe(0);

      // A changed inventory changes both hashes: `cdktf diff` (the real CLI, its own synth) shows
      // the install being replaced, i.e. run again.
      const spec = YAML.parse(fs.readFileSync(cloud.inventory, "utf8"));
      fs.writeFileSync(cloud.inventory, YAML.stringify({ ...spec, ntpServers: ["127.0.0.1"] }));
      const diff = await run(CDKTF, ["diff", "install", "--output", path.join(work, "out2")], { env });
      expect(diff.code, explain(diff)).toBe(0);
      const shown = diff.stdout.replace(/\x1b\[[0-9;]*m/g, "");
      expect(shown).toMatch(/# terraform_data\.install \(install\)\s+must be\s+replaced/);
      expect(shown).toMatch(/answers_sha256\s+= "[0-9a-f]{64}" -> "[0-9a-f]{64}"/);
      expect(shown).toMatch(/topology_sha256\s+= "[0-9a-f]{64}" -> "[0-9a-f]{64}"/);
      expect(shown).toContain("Plan: 1 to add, 0 to change, 1 to destroy.");
    },
    600_000,
  );
});
