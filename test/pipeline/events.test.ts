import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDisplay } from "../../src/install/display";
import { labCloud, type LabCloud } from "../install/lab-cloud";
import { isLabSupported, reportLabSkipped, startLab, type Lab } from "../lab/lab";
import { invalidEvents, parseEvents } from "./events-schema";

describe("plain display (CI=true, pipes)", () => {
  it("prefixes every line with a UTC timestamp", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const plain = createDisplay("plain", out);
    plain.sink({ type: "step", phase: "prepare", host: "c1", status: "done" });
    plain.sink({ type: "plan", steps: [{ phase: "prepare", host: "c1", action: "run", reason: "new" }] });
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    expect(lines[0]).toMatch(/Z \[c1\] prepare: done$/);
  });
});

describe("events schema", () => {
  it("refuses events that break it", () => {
    expect(invalidEvents('{"type":"step","phase":"nowhere","host":"c","status":"done"}')).toHaveLength(1);
    expect(invalidEvents('{"type":"stage","stage":"deploy","status":"done"}')[0]).toContain("time");
    expect(invalidEvents("not json")[0]).toMatch(/^not JSON/);
    expect(invalidEvents('{"type":"stage","stage":"deploy","status":"done","time":"2026-12-02T16:00:00.000Z","durationMs":12}')).toEqual([]);
  });
});

const support = isLabSupported();
if (!support.ok) reportLabSkipped(support.reason ?? "unknown", "test/pipeline/events.test.ts");

describe.runIf(support.ok)("rdoctl install --json on the lab, against schema/events.schema.json", () => {
  let lab: Lab;
  let cloud: LabCloud;
  beforeAll(async () => {
    lab = await startLab({ hosts: 1 });
    cloud = labCloud(lab, "events", [["controller", "network", "compute"]]);
  }, 120_000);
  afterAll(async () => {
    cloud?.dispose();
    await lab?.stop();
  });

  it(
    "every line of a failing and then a succeeding install is a valid event",
    async () => {
      lab.writeFile(lab.hosts[0]!, "etc/fake-packstack/fail-at", "_compute.pp\n");
      const failed = await cloud.rdoctl(["install", "--json", cloud.inventory]);
      expect(failed.code).toBe(1);
      expect(invalidEvents(failed.stdout)).toEqual([]);
      const types = new Set(parseEvents(failed.stdout).map((e) => e.type));
      for (const t of ["plan", "phase", "step", "check", "packstack", "diagnosis"]) expect(types).toContain(t);

      lab.writeFile(lab.hosts[0]!, "etc/fake-packstack/fail-at", "");
      const ok = await cloud.rdoctl(["install", "--json", cloud.inventory]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(invalidEvents(ok.stdout)).toEqual([]);
      expect(parseEvents(ok.stdout).filter((e) => e.type === "finished")).toEqual([expect.objectContaining({ ok: true })]);
    },
    300_000,
  );
});
