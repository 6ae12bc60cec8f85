import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadCatalog, referenceAnswerFile } from "../../src/packstack/catalog";
import { fill } from "../../src/packstack/textwrap";
import { renderAnswerFile, valuesOfRenderedFile } from "../../src/packstack/writer";
import { RELEASES } from "../../src/topology/model";

describe("answer-file writer", () => {
  it.each(RELEASES)("reproduces Packstack %s's --gen-answer-file output byte for byte from its values", (release) => {
    const reference = referenceAnswerFile(release);
    const values = valuesOfRenderedFile(reference);
    expect(Object.keys(values)).toHaveLength(loadCatalog(release).params.length);
    expect(renderAnswerFile(loadCatalog(release), values)).toBe(reference);
  });

  it("puts header comments before [general] and refuses values that span lines", () => {
    const catalog = loadCatalog("2025.1");
    const values = valuesOfRenderedFile(referenceAnswerFile("2025.1"));
    const text = renderAnswerFile(catalog, values, { header: ["first", "second"] });
    expect(text.startsWith("# first\n# second\n[general]\n")).toBe(true);
    expect(() => renderAnswerFile(catalog, { ...values, CONFIG_NTP_SERVERS: "a\nb" })).toThrow(/CONFIG_NTP_SERVERS spans lines/);
    const { CONFIG_NTP_SERVERS: _dropped, ...missing } = values;
    expect(() => renderAnswerFile(catalog, missing)).toThrow(/no value for CONFIG_NTP_SERVERS/);
  });

  it("wraps like Python's textwrap.fill (hyphens, em-dashes, long words, whitespace)", () => {
    const samples = [
      "A self-signed certificate for the well-known, hard-to-spell cloud-services dashboard -- or not.",
      "https://tarballs.opendev.org/openstack/manila-image-elements/images/manila-service-image-master.qcow2 is long",
      "Tabs\tand\nnewlines   and  double  spaces are whitespace; x-y-z a--b --c d-- e-1 1-e.",
      "",
    ];
    const python = spawnSync(
      "python3",
      ["-c", "import json,sys,textwrap\nfor s in json.load(sys.stdin): print(json.dumps(textwrap.fill(s, initial_indent='\\n# ', subsequent_indent='# ', break_long_words=False)))"],
      { input: JSON.stringify(samples), encoding: "utf8" },
    );
    expect(python.status).toBe(0);
    const expected = python.stdout.trim().split("\n").map((line) => JSON.parse(line) as string);
    expect(samples.map((s) => fill(s, { initialIndent: "\n# ", subsequentIndent: "# " }))).toEqual(expected);
  });
});
