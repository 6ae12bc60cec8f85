import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineCacheDir, locateEngine } from "../../src/cloud/engine";
import { labCloud, type CliResult, type LabCloud } from "../install/lab-cloud";
import { LAB_CLOUD_EXTRA } from "./helpers";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "../lab/lab";
import { invalidEvents, parseEvents } from "./events-schema";

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/pipeline/up-lab.test.ts");
// The CLI runs with a private HOME: point it at this machine's engine cache.
process.env.RDOCTL_ENGINE_CACHE ??= engineCacheDir();
const engineMissing = locateEngine().problems.length > 0 ? "engine not ready (npm run engine)" : undefined;
if (support.ok && engineMissing) reportLabSkipped(engineMissing, "test/pipeline/up-lab.test.ts");

function explain(r: CliResult): string {
  return `exit ${r.code}\nstderr:\n${r.stderr.slice(-3000)}\nstdout tail:\n${r.stdout.slice(-3000)}`;
}

/** The artifacts folder the run announced in its last event. */
function artifactsOf(r: CliResult): string {
  const finished = parseEvents(r.stdout).filter((e) => e.type === "finished" && "exitCode" in e).at(-1);
  expect(finished, explain(r)).toBeDefined();
  return finished!.artifacts as string;
}

/**
 * `rdoctl up` on the SSH lab (simulated Packstack): every failure stage gives its documented exit
 * code, an artifacts folder and a state the next run continues from. The day-1 stage meets no
 * OpenStack here (the simulated install's Keystone does not answer), which is the provisioning
 * failure; test/pipeline/up-cloud.test.ts goes all the way on a real cloud.
 */
describe.runIf(support.ok && !engineMissing)("rdoctl up on the SSH lab: exit codes, artifacts, resume", () => {
  let lab: Lab;
  let cloud: LabCloud;
  beforeAll(async () => {
    lab = await startLab({ hosts: 1 });
    cloud = labCloud(lab, "uplab", [["controller", "network", "compute"]], LAB_CLOUD_EXTRA);
  }, 120_000);
  afterAll(async () => {
    cloud?.dispose();
    await lab?.stop();
  });

  it("bad inventory: exit 1, one line naming the file and the problem", async () => {
    const bad = path.join(path.dirname(cloud.inventory), "bad.yaml");
    fs.writeFileSync(bad, fs.readFileSync(cloud.inventory, "utf8").replace("release: ", "relase: "));
    const r = await cloud.rdoctl(["up", bad, "--json"]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(invalidEvents(r.stdout)).toEqual([]);
    expect(parseEvents(r.stdout).find((e) => e.type === "stage" && e.status === "failed")).toMatchObject({ stage: "validate" });
  });

  it(
    "interrupted (130), Packstack failure (4), provisioning failure (5) with artifacts, unreachable host (3); each rerun continues",
    async () => {
      const host = lab.hosts[0]!;
      lab.writeFile(host, "etc/fake-packstack/fail-at", "_compute.pp\n");

      // Ctrl-C while Packstack runs: 130, the journal kept, Packstack left running detached.
      const interrupted = await cloud.rdoctl(["up", cloud.inventory, "--json", "--stacks", "identity"], {
        onSpawn: (child) => {
          let seen = "";
          child.stdout!.on("data", (d: Buffer) => {
            seen += d.toString();
            if (seen.includes('"type":"packstack"') && !child.killed) child.kill("SIGINT");
          });
        },
      });
      expect(interrupted.code, explain(interrupted)).toBe(130);
      expect(invalidEvents(interrupted.stdout)).toEqual([]);
      expect(interrupted.stderr).toMatch(/interrupted during the install.*rdoctl up .* continues/);
      const upJournal = JSON.parse(fs.readFileSync(path.join(cloud.home, "clouds", "uplab", "up.json"), "utf8"));
      expect(upJournal.stages.install.status).toBe("interrupted");

      // Rerun: re-attaches to that Packstack run, which fails: 4, with the diagnosis.
      const failed = await cloud.rdoctl(["up", cloud.inventory, "--json", "--stacks", "identity"]);
      expect(failed.code, explain(failed)).toBe(4);
      expect(failed.stderr).toContain("_compute.pp");
      expect(parseEvents(failed.stdout).some((e) => e.type === "info" && /previous rdoctl up: stopped at install \(interrupted/.test(String(e.message)))).toBe(true);
      const failedArtifacts = artifactsOf(failed);
      expect(fs.statSync(path.join(failedArtifacts, "answers.txt")).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(path.join(failedArtifacts, "events.ndjson"))).toBe(true);

      // Fixed: the install finishes; the day-1 stage then finds no Keystone answering: 5.
      lab.writeFile(host, "etc/fake-packstack/fail-at", "");
      const provisioning = await cloud.rdoctl(["up", cloud.inventory, "--json", "--stacks", "identity"]);
      expect(provisioning.code, explain(provisioning)).toBe(5);
      expect(invalidEvents(provisioning.stdout)).toEqual([]);
      expect(provisioning.stderr).toMatch(/^rdoctl: stack identity: terraform (plan|apply) failed: Error: /m);
      const artifacts = artifactsOf(provisioning);
      for (const file of ["answers.txt", "clouds.yaml", "events.ndjson", "terraform/synth.log", "terraform/identity.init.log", "terraform/identity.plan.log"]) {
        expect(fs.existsSync(path.join(artifacts, file)), file).toBe(true);
      }
      expect(fs.statSync(path.join(artifacts, "clouds.yaml")).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(path.join(artifacts, "packstack-logs")).length).toBeGreaterThan(0);
      // events.ndjson is what stdout showed.
      expect(fs.readFileSync(path.join(artifacts, "events.ndjson"), "utf8").trim().split("\n").length).toBeGreaterThan(10);
      const password = /^CONFIG_KEYSTONE_ADMIN_PW=(.+)$/m.exec(fs.readFileSync(path.join(artifacts, "answers.txt"), "utf8"))![1]!;
      for (const text of [provisioning.stdout, provisioning.stderr, fs.readFileSync(path.join(artifacts, "terraform", "identity.plan.log"), "utf8")]) {
        expect(text).not.toContain(password);
      }
      // Once installed, a rerun skips the whole install from its journal and fails the same way.
      const rerun = await cloud.rdoctl(["up", cloud.inventory, "--json", "--stacks", "identity"]);
      expect(rerun.code, explain(rerun)).toBe(5);
      const steps = parseEvents(rerun.stdout).filter((e) => e.type === "step");
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.every((e) => e.status === "skipped")).toBe(true);

      // A misspelt stack: bad input, named with the flag.
      const typo = await cloud.rdoctl(["up", cloud.inventory, "--stacks", "idnetity"]);
      expect(typo.code, explain(typo)).toBe(1);
      expect(typo.stderr).toContain("--stacks: idnetity is not a day-1 stack of the app (lab-basics, identity, app-template)");

      // A new cloud on a host that is down: 3.
      await lab.crash(host);
      const gone = labCloud(lab, "upgone", [["controller", "network", "compute"]], LAB_CLOUD_EXTRA);
      try {
        const unreachable = await gone.rdoctl(["up", gone.inventory, "--json", "--stacks", "identity"]);
        expect(unreachable.code, explain(unreachable)).toBe(3);
        expect(unreachable.stderr).toContain("ssh");
        expect(invalidEvents(unreachable.stdout)).toEqual([]);
      } finally {
        gone.dispose();
        await lab.restart(host);
      }
    },
    600_000,
  );
});
