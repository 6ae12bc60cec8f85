import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineCacheDir, locateEngine } from "../../src/cloud/engine";
import { isLabSupported, listLabRecords, reportLabSkipped } from "../lab/lab";
import { ensureOpenStackVenv } from "../lab/openstack-cloud";
import { invalidEvents } from "./events-schema";
import { RDOCTL_FROM_SOURCES, ROOT } from "./helpers";

const GITHUB = path.join(ROOT, "examples", "ci", "github-actions.yml");
const GITLAB = path.join(ROOT, "examples", "ci", "gitlab-ci.yml");

// The parts of each CI system's format these examples use, as their documentation defines them.
const githubSchema = {
  type: "object",
  required: ["name", "on", "jobs"],
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    on: { type: "object", minProperties: 1, propertyNames: { enum: ["workflow_dispatch", "pull_request", "push", "schedule"] } },
    jobs: {
      type: "object",
      minProperties: 1,
      additionalProperties: {
        type: "object",
        required: ["runs-on", "steps"],
        additionalProperties: false,
        properties: {
          "runs-on": { type: "string" },
          "timeout-minutes": { type: "integer", minimum: 1 },
          env: { type: "object", additionalProperties: { type: "string" } },
          steps: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              properties: {
                id: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" },
                name: { type: "string" },
                if: { type: "string" },
                run: { type: "string" },
                uses: { type: "string", pattern: "^[\\w.-]+/[\\w.-]+@v\\d+$" },
                with: { type: "object" },
                env: { type: "object" },
              },
              oneOf: [{ required: ["run"] }, { required: ["uses"] }],
            },
          },
        },
      },
    },
  },
};

const gitlabSchema = {
  type: "object",
  required: ["stages"],
  properties: {
    stages: { type: "array", items: { type: "string" }, minItems: 1 },
  },
  additionalProperties: {
    type: "object",
    required: ["stage", "script"],
    additionalProperties: false,
    properties: {
      stage: { type: "string" },
      tags: { type: "array", items: { type: "string" } },
      timeout: { type: "string" },
      variables: { type: "object", additionalProperties: { type: "string" } },
      before_script: { type: "array", items: { type: "string" } },
      script: { type: "array", items: { type: "string" }, minItems: 1 },
      after_script: { type: "array", items: { type: "string" } },
      artifacts: {
        type: "object",
        additionalProperties: false,
        properties: {
          when: { enum: ["always", "on_success", "on_failure"] },
          paths: { type: "array", items: { type: "string" } },
          reports: { type: "object", properties: { junit: { type: "string" } }, additionalProperties: false },
        },
      },
    },
  },
};

interface Pipeline {
  readonly env: Record<string, string>;
  /** Commands that bring the cloud up and test it, in order. */
  readonly main: string[];
  /** Commands that run whatever happened (teardown). */
  readonly always: string[];
}

function github(): Pipeline {
  const doc = YAML.parse(fs.readFileSync(GITHUB, "utf8"));
  const job = Object.values(doc.jobs)[0] as { env: Record<string, string>; steps: Array<{ id?: string; run?: string; if?: string }> };
  const steps = job.steps.filter((s) => s.run && !s.id?.startsWith("setup"));
  return { env: job.env, main: steps.filter((s) => !s.if).map((s) => s.run!), always: steps.filter((s) => s.if === "always()").map((s) => s.run!) };
}

function gitlab(): Pipeline {
  const doc = YAML.parse(fs.readFileSync(GITLAB, "utf8"));
  const job = doc["lab-cloud"] as { variables: Record<string, string>; script: string[]; after_script: string[] };
  // after_script runs in a new shell: its PATH line repeats what before_script set up.
  return { env: job.variables, main: job.script, always: job.after_script.filter((l) => !l.startsWith("export PATH=")) };
}

describe("CI examples: structure", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  it("github-actions.yml is a workflow: checkout first, teardown steps run always, artifacts kept", () => {
    const doc = YAML.parse(fs.readFileSync(GITHUB, "utf8"));
    const validate = ajv.compile(githubSchema);
    expect(validate(doc), ajv.errorsText(validate.errors)).toBe(true);
    const steps = (Object.values(doc.jobs)[0] as { steps: Array<{ uses?: string; if?: string; run?: string }> }).steps;
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@/);
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).toBe("always()");
    expect(github().always.some((c) => c.includes(" down "))).toBe(true);
  });

  it("gitlab-ci.yml is a pipeline: stages declared, teardown in after_script, junit report", () => {
    const doc = YAML.parse(fs.readFileSync(GITLAB, "utf8"));
    const validate = ajv.compile(gitlabSchema);
    expect(validate(doc), ajv.errorsText(validate.errors)).toBe(true);
    for (const [name, job] of Object.entries(doc)) {
      if (name === "stages") continue;
      expect(doc.stages).toContain((job as { stage: string }).stage);
    }
    expect(doc["lab-cloud"].artifacts.reports.junit).toBe("artifacts/junit.xml");
  });

  it("both run the same commands with the same settings", () => {
    expect(gitlab()).toEqual(github());
  });
});

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/pipeline/ci-examples.test.ts");
const engineMissing = locateEngine().problems.length > 0 ? "engine not ready (npm run engine)" : undefined;
if (support.ok && engineMissing) reportLabSkipped(engineMissing, "test/pipeline/ci-examples.test.ts");

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe.runIf(support.ok && !engineMissing)("CI examples: their commands on the lab", () => {
  let work = "";
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-ci-example-"));
  });
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it(
    "lab up, rdoctl up, smoke test, then rdoctl down and lab down",
    async () => {
      const pipeline = github();
      const venv = await ensureOpenStackVenv("2025.1");
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...pipeline.env,
        // The runner's checkout-relative paths, in a scratch folder; rdoctl from the sources
        // (`npm ci` built dist/ on a runner); the OpenStack client of the lab's venv.
        LAB_INVENTORY: path.join(work, "lab", "inventory.yaml"),
        ARTIFACTS: path.join(work, "artifacts"),
        RDOCTL_HOME: path.join(work, ".rdoctl"),
        RDOCTL: RDOCTL_FROM_SOURCES,
        RDOCTL_ENGINE_CACHE: engineCacheDir(),
        PATH: `${path.join(venv, "bin")}:${process.env.PATH}`,
      };
      const main = await bash(pipeline.main.map((c) => c.replace("> up.ndjson", `> ${path.join(work, "up.ndjson")}`)).join("\n"), env);
      const teardown = await bash(pipeline.always.join("\n"), env);
      expect(main.code, main.output.slice(-4000)).toBe(0);
      expect(teardown.code, teardown.output.slice(-4000)).toBe(0);

      expect(invalidEvents(fs.readFileSync(path.join(work, "up.ndjson"), "utf8"))).toEqual([]);
      expect(fs.readFileSync(path.join(work, "artifacts", "junit.xml"), "utf8")).toMatch(/<testsuite name="rdoctl up lab" tests="\d+" failures="0"/);
      expect(main.output).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/m); // the smoke test's token expiry
      expect(teardown.output).toMatch(/rdoctl down lab: removed \d+ day-1 resource\(s\)/);
      expect(teardown.output).toMatch(/lab \S+: stopped/);
      const id = teardown.output.match(/lab (\S+): stopped/)![1];
      expect(listLabRecords().map((r) => r.id)).not.toContain(id);
    },
    1_800_000,
  );
});
