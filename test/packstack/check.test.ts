import { describe, expect, it } from "vitest";
import { loadCatalog, referenceAnswerFile } from "../../src/packstack/catalog";
import { checkAnswerFile, checkAnswerFileBytes, formatCheckResult, verdictSentence } from "../../src/packstack/check";
import { RELEASES } from "../../src/topology/model";

const reference = referenceAnswerFile("2025.1");
const check = (text: string, options = {}) => checkAnswerFile(text, "2025.1", { source: "a.txt", ...options });
const messages = (items: readonly { line?: number; message: string }[]) => items.map((d) => `${d.line ?? "-"}: ${d.message}`);

describe("answers check", () => {
  it.each(RELEASES)("accepts Packstack %s's own generated file with no errors or warnings", (release) => {
    const result = checkAnswerFile(referenceAnswerFile(release), release);
    expect(result.accepted).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.notes.map((n) => n.key)).toEqual(["CONFIG_SSH_KEY", "CONFIG_SSL_CERT_DIR"]);
  });

  it("a typo key: error with did-you-mean, the real key defaulted (warning), Packstack accepts", () => {
    const result = check(reference.replace("CONFIG_NOVA_INSTALL=y", "CONFIG_NOVA_INSTAL=n"));
    expect(result.accepted).toBe(true);
    expect(messages(result.errors)).toEqual(["32: unknown key CONFIG_NOVA_INSTAL: Packstack 2025.1 ignores it silently; did you mean CONFIG_NOVA_INSTALL?"]);
    expect(messages(result.warnings)).toEqual(['-: CONFIG_NOVA_INSTALL is missing; Packstack uses its default "y"']);
    const lenient = check(reference.replace("CONFIG_NOVA_INSTALL=y", "CONFIG_NOVA_INSTAL=n"), { allowUnknown: true });
    expect(lenient.errors).toEqual([]);
    expect(lenient.warnings.map((w) => w.code)).toEqual(["unknown-key", "missing-key"]);
  });

  it("an inline comment: error explaining configparser, and Packstack's own rejection", () => {
    const result = check(reference.replace("CONFIG_SWIFT_INSTALL=y", "CONFIG_SWIFT_INSTALL=n  # no swift"));
    expect(result.accepted).toBe(false);
    expect(result.packstackError).toBe("Parameter CONFIG_SWIFT_INSTALL failed validation: Given value is not member of allowed values ['y', 'n']: n  # no swift");
    expect(messages(result.errors)).toEqual([
      '41: CONFIG_SWIFT_INSTALL has a comment after its value: Packstack has no inline comments, so the value is "n  # no swift"; put the comment on a line of its own',
      "41: Parameter CONFIG_SWIFT_INSTALL failed validation: Given value is not member of allowed values ['y', 'n']: n  # no swift",
    ]);
  });

  it("a duplicate key stops Packstack (configparser strict mode), whatever the case", () => {
    const result = check(`${reference}config_swift_install=n\n`);
    expect(result.accepted).toBe(false);
    expect(result.packstackError).toBe(
      "Failed handling answer file: While reading from 'a.txt' [line 1261]: option 'config_swift_install' in section 'general' already exists",
    );
    expect(messages(result.errors)).toEqual([
      "1261: config_swift_install is set again (first at line 41); Packstack stops reading: While reading from 'a.txt' [line 1261]: option 'config_swift_install' in section 'general' already exists",
    ]);
  });

  it("a missing section header stops Packstack; comments before [general] are fine", () => {
    const result = check(reference.replace("[general]\n", ""));
    expect(result.accepted).toBe(false);
    expect(result.packstackError).toBe("Failed handling answer file: File contains no section headers.\nfile: 'a.txt', line: 6\n'CONFIG_SSH_KEY=/root/.ssh/id_rsa.pub\\n'");
    expect(messages(result.errors)).toEqual(["6: a key comes before any section header; the file must start with [general] (comments may precede it)"]);
    expect(check(`# header\n; another\n${reference}`).accepted).toBe(true);
    const noGeneral = check("[other]\nCONFIG_X=y\n");
    expect(noGeneral.packstackError).toBe("Failed handling answer file: No section: 'general'");
    expect(messages(noGeneral.errors)).toEqual([
      "1: section [other] (1 key) is ignored by Packstack, which reads only [general]",
      "-: no [general] section: Packstack stops with \"No section: 'general'\"",
    ]);
    expect(noGeneral.outcome).toBe("rejected");
  });

  it("a bad choice, linuxbridge on 2025.1, and vmdk on 2025.1", () => {
    expect(check(reference.replace("CONFIG_KEYSTONE_API_VERSION=v3", "CONFIG_KEYSTONE_API_VERSION=v2.0")).packstackError).toBe(
      "Parameter CONFIG_KEYSTONE_API_VERSION failed validation: Given value is not member of allowed values ['v3']: v2.0",
    );
    const lb = check(reference.replace("CONFIG_NEUTRON_L2_AGENT=ovn", "CONFIG_NEUTRON_L2_AGENT=linuxbridge"));
    expect(lb.accepted).toBe(false);
    expect(messages(lb.errors)).toEqual([
      "781: Parameter CONFIG_NEUTRON_L2_AGENT failed validation: Given value is not member of allowed values ['openvswitch', 'ovn']: linuxbridge",
    ]);
    expect(checkAnswerFile(referenceAnswerFile("2024.2").replace("CONFIG_NEUTRON_L2_AGENT=ovn", "CONFIG_NEUTRON_L2_AGENT=linuxbridge"), "2024.2").accepted).toBe(true);
    expect(check(reference.replace("CONFIG_CINDER_BACKEND=lvm", "CONFIG_CINDER_BACKEND=vmdk")).packstackError).toBe(
      "Parameter CONFIG_CINDER_BACKEND failed validation: Given value is not member of allowed values ['lvm', 'nfs', 'netapp', 'solidfire']: vmdk",
    );
  });

  it("keys of other releases say which releases have them", () => {
    const result = check(`${reference}CONFIG_SAHARA_INSTALL=n\n`);
    expect(result.accepted).toBe(true);
    expect(messages(result.errors)).toEqual([
      "1261: CONFIG_SAHARA_INSTALL is not a parameter of Packstack 2025.1 (only of 2023.1, 2023.2); Packstack 2025.1 ignores it silently",
    ]);
  });

  it("deprecated names: used (warning) when the new key is missing, ignored when both are set", () => {
    const without = reference.replace("CONFIG_MARIADB_HOST=192.0.2.10", "CONFIG_MYSQL_HOST=192.0.2.10");
    const result = check(without);
    expect(result.accepted).toBe(true);
    expect(messages(result.warnings)).toEqual([
      `${without.split("\n").findIndex((l) => l.startsWith("CONFIG_MYSQL_HOST")) + 1}: CONFIG_MYSQL_HOST is a deprecated name; Packstack 2025.1 reads it as CONFIG_MARIADB_HOST: write CONFIG_MARIADB_HOST`,
    ]);
    // Silently ignored: never "accepted" as written.
    const both = check(`${reference}CONFIG_MYSQL_HOST=10.0.0.1\n`);
    expect(both.errors.map((w) => [w.code, w.effect])).toEqual([["deprecated-key", "ignored"]]);
    expect(both.errors[0]!.message).toMatch(/also set \(line \d+\); Packstack ignores CONFIG_MYSQL_HOST/);
    expect([both.accepted, both.outcome]).toEqual([true, "accepted-with-ignored"]);
  });

  it("reports PW_PLACEHOLDER passwords Packstack would redraw on each run, and case-insensitive keys", () => {
    const text = reference.replace("CONFIG_MARIADB_PW=4ef14026494a4a29", "config_mariadb_pw=PW_PLACEHOLDER");
    const result = check(text);
    expect(result.accepted).toBe(true);
    expect(result.errors).toEqual([]);
    expect(messages(result.warnings)).toEqual(["287: CONFIG_MARIADB_PW=PW_PLACEHOLDER: Packstack draws a new random password on every run"]);
  });

  it("a required password left empty fails as in Packstack", () => {
    const result = check(reference.replace("CONFIG_MARIADB_PW=4ef14026494a4a29", "CONFIG_MARIADB_PW="));
    expect(result.packstackError).toBe("Parameter CONFIG_MARIADB_PW failed validation: Given value is not allowed: ");
  });

  it("a minimal file: every missing key is a warning naming the default Packstack will use", () => {
    const result = check("[general]\nCONFIG_CONTROLLER_HOST=10.0.0.1\n");
    expect(result.accepted).toBe(true);
    const missing = result.warnings.filter((w) => w.code === "missing-key").map((w) => w.key);
    expect(missing).toContain("CONFIG_COMPUTE_HOSTS");
    expect(missing).not.toContain("CONFIG_CONTROLLER_HOST");
    expect(result.warnings.find((w) => w.key === "CONFIG_COMPUTE_HOSTS")!.message).toBe(
      'CONFIG_COMPUTE_HOSTS is missing; Packstack uses "<IP address of the machine running Packstack>", taken from the machine it runs on',
    );
    expect(result.warnings.find((w) => w.key === "CONFIG_SSH_KEY")!.message).toBe(
      'CONFIG_SSH_KEY is missing; Packstack uses "<home directory of the user running Packstack>/.ssh/id_rsa.pub", taken from the machine it runs on',
    );
    expect(result.warnings.map((w) => w.message).join("\n")).not.toMatch(/\{(deployer_ip|deployer_hostname|home)\}/);
    expect(result.warnings.find((w) => w.key === "CONFIG_HORIZON_SECRET_KEY")!.message).toBe(
      "CONFIG_HORIZON_SECRET_KEY is missing; Packstack uses a value drawn at random on every run",
    );
    expect(missing.length).toBeLessThan(loadCatalog("2025.1").params.length);
  });

  it("never shows a password of the file in its findings", () => {
    const result = check(reference.replace("CONFIG_MARIADB_PW=4ef14026494a4a29", "CONFIG_MARIADB_PW=s3cret  # old one"));
    const all = [...result.errors, ...result.warnings].map((d) => d.message).join("\n") + (result.packstackError ?? "");
    expect(result.errors.map((e) => e.code)).toEqual(["inline-comment"]);
    expect(all).not.toContain("s3cret");
    expect(result.errors[0]!.message).toBe(
      'CONFIG_MARIADB_PW has a comment after its value: Packstack has no inline comments, so the value is "********"; put the comment on a line of its own',
    );
  });

  it("reads the text as Packstack's loader does: a byte-order mark hides the section header", () => {
    const result = check(`\ufeff${reference}`);
    expect([result.accepted, result.outcome]).toEqual([false, "rejected"]);
    expect(result.packstackError).toMatch(/^Failed handling answer file: File contains no section headers\.\nfile: 'a\.txt', line: 1\n'\\ufeff\[general\]\\n'$/);
    expect(result.errors.map((e) => e.code)).toEqual(["byte-order-mark"]);
    expect(result.errors[0]!.message).toMatch(/save the file as UTF-8 without a BOM/);
  });

  it("reads line ends and whitespace as Python does: \\r\\n and \\r end lines, U+FEFF is not whitespace", () => {
    expect(check(reference.replace(/\n/g, "\r\n")).outcome).toBe("accepted");
    expect(check(reference.replace(/\n/g, "\r")).outcome).toBe("accepted");
    // U+FEFF before a value is part of the value (JavaScript's \s would strip it).
    const zwnbsp = check(reference.replace("CONFIG_SWIFT_INSTALL=y", "CONFIG_SWIFT_INSTALL=\ufeffy"));
    expect(zwnbsp.packstackError).toBe("Parameter CONFIG_SWIFT_INSTALL failed validation: Given value is not member of allowed values ['y', 'n']: \ufeffy");
    // A no-break space is Python whitespace: stripped.
    expect(check(reference.replace("CONFIG_SWIFT_INSTALL=y", "CONFIG_SWIFT_INSTALL=y\u00a0")).outcome).toBe("accepted");
  });

  it("reports every value Packstack would refuse in one run, the first being what Packstack prints", () => {
    const result = check(
      reference
        .replace("CONFIG_SWIFT_INSTALL=y", "CONFIG_SWIFT_INSTALL=maybe")
        .replace("CONFIG_COMPUTE_HOSTS=192.0.2.10", "CONFIG_COMPUTE_HOSTS=10.0.0.300")
        .replace("CONFIG_CINDER_VOLUMES_SIZE=20G", "CONFIG_CINDER_VOLUMES_SIZE=lots"),
    );
    expect(result.outcome).toBe("rejected");
    expect(result.packstackError).toBe("Parameter CONFIG_SWIFT_INSTALL failed validation: Given value is not member of allowed values ['y', 'n']: maybe");
    expect(result.errors.map((e) => [e.key, e.code, e.effect])).toEqual([
      ["CONFIG_SWIFT_INSTALL", "invalid-value", "rejects"],
      ["CONFIG_COMPUTE_HOSTS", "invalid-value", "rejects"],
      ["CONFIG_CINDER_VOLUMES_SIZE", "fails-at-step", "rejects"],
    ]);
    expect(result.errors[1]!.message).toBe("Parameter CONFIG_COMPUTE_HOSTS failed validation: Given host is not a valid IP address: 10.0.0.300");
    expect(result.errors[2]!.message).toBe(
      'Invalid Cinder volumes VG size. (CONFIG_CINDER_VOLUMES_SIZE=lots: Packstack accepts the file, then stops at the step "Checking if the Cinder server has a cinder-volumes vg"; expected a whole number of GiB such as 20G)',
    );
    expect(result.counts).toEqual({ errors: 3, warnings: 0, notes: 2, rejecting: 3, ignored: 0, misread: 0 });
    expect(verdictSentence(result, "a.txt")).toBe(
      "Packstack 2025.1 would reject a.txt: Parameter CONFIG_SWIFT_INSTALL failed validation: Given value is not member of allowed values ['y', 'n']: maybe (and 2 other problems)",
    );
  });

  it("checks a size only where Packstack's Cinder step does (LVM backend on)", () => {
    expect(check(reference.replace("CONFIG_CINDER_VOLUMES_SIZE=20G", "CONFIG_CINDER_VOLUMES_SIZE=20000M")).outcome).toBe("rejected");
    expect(check(reference.replace("CONFIG_CINDER_VOLUMES_SIZE=20G", "CONFIG_CINDER_VOLUMES_SIZE= 20G ")).outcome).toBe("accepted");
    const nfs = reference.replace("CONFIG_CINDER_BACKEND=lvm", "CONFIG_CINDER_BACKEND=nfs").replace("CONFIG_CINDER_NFS_MOUNTS=", "CONFIG_CINDER_NFS_MOUNTS=192.0.2.5:/cinder");
    expect(check(nfs.replace("CONFIG_CINDER_VOLUMES_SIZE=20G", "CONFIG_CINDER_VOLUMES_SIZE=lots")).outcome).toBe("accepted");
  });

  it("one outcome and sentence for what Packstack ignores: never plainly accepted", () => {
    const ignored = check(`${reference.replace("CONFIG_NOVA_INSTALL=y", "CONFIG_NOVA_INSTAL=y\nCONFIG_NOVA_INSTALL=y")}[extra]\nCONFIG_DEBUG_MODE=y\n`);
    expect([ignored.accepted, ignored.outcome, ignored.counts.ignored]).toEqual([true, "accepted-with-ignored", 2]);
    expect(verdictSentence(ignored, "a.txt")).toBe("Packstack 2025.1 would accept a.txt but silently ignore 2 parts");
    const accepted = check(reference);
    expect(verdictSentence(accepted, "a.txt")).toBe("Packstack 2025.1 would accept a.txt as written");
    expect(formatCheckResult(accepted, "a.txt")).toBe(
      "a.txt: 2 values only the deployer can check (CONFIG_SSH_KEY, CONFIG_SSL_CERT_DIR); --verbose shows them\nPackstack 2025.1 would accept a.txt as written\n",
    );
  });
});

describe("answers check from bytes", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it("reads UTF-8 as Packstack does: the same verdict as from text, a BOM kept", () => {
    expect(checkAnswerFileBytes(bytes(reference), "2025.1").outcome).toBe("accepted");
    const bom = checkAnswerFileBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(reference)]), "2025.1");
    expect(bom.outcome).toBe("rejected");
    expect(bom.errors.map((e) => e.code)).toEqual(["byte-order-mark"]);
  });

  it("refuses what is not UTF-8 with Python's own words: UTF-16, Latin-1", () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...reference].flatMap((c) => [c.charCodeAt(0), 0])]);
    const result = checkAnswerFileBytes(utf16, "2025.1");
    expect([result.outcome, result.accepted]).toEqual(["rejected", false]);
    expect(result.packstackError).toBe("Failed handling answer file: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
    const latin1 = bytes(reference);
    const at = reference.indexOf("CONFIG_SSL_CERT_SUBJECT_L=") + "CONFIG_SSL_CERT_SUBJECT_L=".length;
    latin1[at] = 0xe9; // "é" in Latin-1 where "C" of "City" was, then "i": not a continuation byte
    const l1 = checkAnswerFileBytes(latin1, "2025.1");
    expect(l1.errors[0]!.code).toBe("encoding");
    expect(l1.errors[0]!.message).toMatch(/^byte 0xe9 on line \d+ is not UTF-8 \(invalid continuation byte\): Packstack reads answer files as UTF-8 and stops; save the file as UTF-8$/);
  });
});
