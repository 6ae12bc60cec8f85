import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");

describe("API reference (npm run docs: TypeDoc over the package's entry points)", () => {
  it("builds without a warning and documents the constructs, importers and reporting", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "rdoctl-api-"));
    try {
      const run = spawnSync("npx", ["typedoc", "--treatWarningsAsErrors", "--out", out], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
      expect(`${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "").trim()).toBe("");
      expect(run.status).toBe(0);
      const pages = fs.readdirSync(out, { recursive: true }).map(String);
      for (const name of ["TenantNetwork", "OpenStackCloud", "ImportedNetwork", "INetwork", "runApp", "loadTopology"]) {
        expect(pages.some((page) => page.includes(`${name}.html`)), name).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
