import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RdoctlError } from "../../src/errors";
import { loadTopology } from "../../src/topology";

const tmp = mkdtempSync(join(tmpdir(), "rdoctl-load-syntax-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a TypeScript topology module that does not compile", () => {
  it("keeps the compiler's message with file:line:column, not only `Transform failed with 1 error:`", () => {
    const file = join(tmp, "broken.ts");
    writeFileSync(file, `export default {\n  name: "lab",\n  hosts: [ { name: "a" ; } ],\n};\n`);
    let message = "";
    try {
      loadTopology(file);
    } catch (err) {
      if (!(err instanceof RdoctlError)) throw err;
      message = err.message;
    }
    expect(message).toBe(`${file}:3:23: Expected "}" but found ";"`);
  });
});
