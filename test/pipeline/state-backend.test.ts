import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App, DataResource, TerraformStack } from "../../src/cdktf";
import { stateBackendFromEnv, useStateBackendEverywhere, type StateBackendConfig } from "../../src/cloud/backend";
import { RdoctlError } from "../../src/errors";
import { locateEngine } from "../../src/cloud/engine";
import { reportLabSkipped } from "../lab/support";
import { findEngine } from "../../src/pipeline/engine";
import { postgresUnavailable, startPostgres, type Postgres } from "./postgres";

/** Synthesizes a one-stack app of `terraform_data` (its local-exec holds the state lock for `holdSeconds`). */
function synthStateApp(outdir: string, backend: StateBackendConfig, holdSeconds = 0): string {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "shared");
  new DataResource(stack, "work", {
    input: { cloud: "team" },
    provisioners: holdSeconds > 0 ? [{ type: "local-exec", command: `sleep ${holdSeconds}` }] : undefined,
  });
  useStateBackendEverywhere(app, backend);
  app.synth();
  return path.join(outdir, "stacks", "shared");
}

describe("state backend configuration", () => {
  it("defaults to local and reads pg and s3 from the environment", () => {
    expect(stateBackendFromEnv({})).toEqual({ kind: "local" });
    expect(stateBackendFromEnv({ RDOCTL_STATE: "pg" }, "lab")).toEqual({ kind: "pg", prefix: "rdoctl_lab" });
    expect(stateBackendFromEnv({ RDOCTL_STATE: "s3", RDOCTL_STATE_BUCKET: "tf", RDOCTL_STATE_ENDPOINT: "http://127.0.0.1:9000" })).toEqual({
      kind: "s3",
      prefix: "rdoctl",
      bucket: "tf",
      region: undefined,
      endpoint: "http://127.0.0.1:9000",
    });
  });

  it.each([
    [{ RDOCTL_STATE: "consul" }, "RDOCTL_STATE=consul: not a state backend; use one of local, pg, s3"],
    [{ RDOCTL_STATE: "s3" }, "RDOCTL_STATE=s3 needs RDOCTL_STATE_BUCKET"],
    [{ RDOCTL_STATE: "pg", RDOCTL_STATE_PREFIX: "postgres://u:p@h/db" }, "RDOCTL_STATE_PREFIX="],
    [{ RDOCTL_STATE: "s3", RDOCTL_STATE_BUCKET: "b", RDOCTL_STATE_ENDPOINT: "http://key:secret@127.0.0.1:9000" }, "RDOCTL_STATE_ENDPOINT holds credentials"],
  ])("refuses %j with one clear line", (env, message) => {
    let error: unknown;
    try {
      stateBackendFromEnv(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RdoctlError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
    expect((error as Error).message).not.toContain("secret");
  });

  it("synthesizes partial backends: no connection string, no keys", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-backend-"));
    try {
      const pg = JSON.parse(fs.readFileSync(path.join(synthStateApp(path.join(dir, "pg"), { kind: "pg", prefix: "rdoctl_lab" }), "cdk.tf.json"), "utf8"));
      expect(pg.terraform.backend).toEqual({ pg: { schema_name: "rdoctl_lab_shared" } });
      const s3 = JSON.parse(
        fs.readFileSync(path.join(synthStateApp(path.join(dir, "s3"), { kind: "s3", prefix: "lab", bucket: "tf", endpoint: "http://127.0.0.1:9000" }), "cdk.tf.json"), "utf8"),
      );
      expect(s3.terraform.backend.s3).toMatchObject({ bucket: "tf", key: "lab/shared.tfstate", use_lockfile: true, endpoints: { s3: "http://127.0.0.1:9000" }, use_path_style: true });
      expect(JSON.stringify(s3)).not.toMatch(/access_key|secret_key/);
      const local = JSON.parse(fs.readFileSync(path.join(synthStateApp(path.join(dir, "local"), { kind: "local" }), "cdk.tf.json"), "utf8"));
      expect(Object.keys(local.terraform.backend)).toEqual(["local"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
}

const engineMissing = locateEngine().engine ? undefined : "no terraform or tofu (npm run engine)";
const skipReason = engineMissing ?? postgresUnavailable();
// CI machines have both: a skip there is a failure (the lab's skip marker, see test/lab/README.md).
if (skipReason) reportLabSkipped(skipReason, "test/pipeline/state-backend.test.ts");

describe.runIf(!skipReason)("pg backend with a real PostgreSQL and the real engine", () => {
  let pg: Postgres;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let binary: string;

  const terraform = (cwd: string, args: string[], onOutput?: (text: string) => void): Promise<Run> =>
    new Promise((resolve) => {
      const startedAt = Date.now();
      const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        onOutput?.(stdout);
      });
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr, startedAt, endedAt: Date.now() }));
    });

  beforeAll(async () => {
    pg = await startPostgres();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-pgstate-"));
    // terraform_data needs no provider: the engine alone is enough, nothing is downloaded.
    const engine = findEngine(process.env, false);
    binary = engine.binary;
    env = { ...engine.env, PG_CONN_STR: pg.connStr };
  }, 120_000);

  afterAll(() => {
    pg?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it(
    "two concurrent applies: one fails clearly on the lock, one waits and then plans no change; a second copy sees the state",
    async () => {
      const backend = stateBackendFromEnv({ RDOCTL_STATE: "pg" }, "team");
      // Two copies of the synthesized project, as two clones or two CI runners would have.
      const copyA = synthStateApp(path.join(work, "a"), backend, 20);
      const copyB = synthStateApp(path.join(work, "b"), backend, 20);
      const tfJson = fs.readFileSync(path.join(copyA, "cdk.tf.json"), "utf8");
      expect(tfJson).not.toContain(pg.connStr.split("@")[0]!.split(":")[2]!); // the password
      expect(tfJson).not.toContain("conn_str");

      for (const dir of [copyA, copyB]) {
        const init = await terraform(dir, ["init", "-input=false", "-no-color"]);
        expect(init.code, init.stderr).toBe(0);
        expect(init.stdout).toContain('Successfully configured the backend "pg"');
      }

      let holding!: () => void;
      const lockHeld = new Promise<void>((r) => (holding = r));
      const first = terraform(copyA, ["apply", "-auto-approve", "-input=false", "-no-color"], (out) => {
        if (out.includes("Provisioning with 'local-exec'")) holding();
      });
      await lockHeld;

      const failing = await terraform(copyB, ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"]);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toContain("Error acquiring the state lock");

      const waiting = await terraform(copyB, ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=300s"]);
      const firstRun = await first;
      expect(firstRun.code, firstRun.stderr).toBe(0);
      expect(firstRun.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
      expect(waiting.code, waiting.stderr).toBe(0);
      // It waited for the first apply to release the lock, then found its resource in the state.
      expect(waiting.endedAt).toBeGreaterThanOrEqual(firstRun.endedAt);
      expect(waiting.stdout).toContain("No changes.");

      // The second copy sees the first one's state: same resource, no change planned.
      const plan = await terraform(copyB, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      const stateA = JSON.parse((await terraform(copyA, ["state", "pull"])).stdout);
      const stateB = JSON.parse((await terraform(copyB, ["state", "pull"])).stdout);
      expect(stateB.lineage).toBe(stateA.lineage);
      expect(stateB.serial).toBe(stateA.serial);
      expect(stateB.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`)).toEqual(["terraform_data.work"]);

      // The state lives in PostgreSQL (one row: the default workspace), not on either runner.
      expect(pg.sql("select name from rdoctl_team_shared.states")).toBe("default");
      for (const dir of [copyA, copyB]) expect(fs.existsSync(path.join(dir, "terraform.tfstate"))).toBe(false);
    },
    300_000,
  );
});
