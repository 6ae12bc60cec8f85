import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { redactConnectionSecrets } = require("./host-root/usr/local/lib/rdoctl-lab/openstack/snapshot-redact.js") as {
  redactConnectionSecrets(dump: string): string;
};

// The lab's RabbitMQ password is Packstack's default "guest", a word inside Nova's schema.
const dump = [
  "CREATE TABLE `block_device_mapping` (",
  "  `guest_format` varchar(255) DEFAULT NULL,",
  ") ENGINE=InnoDB;",
  "INSERT INTO `cell_mappings` VALUES (NULL,NULL,1,'00000000','cell1',",
  "'rabbit://guest:guest@127.42.0.11:5672/','mysql+pymysql://nova:s3cr%40t@127.42.0.11/nova?charset=utf8',0);",
].join("\n");

describe("schema snapshot redaction", () => {
  it("blanks the password of every connection URL", () => {
    const redacted = redactConnectionSecrets(dump);
    expect(redacted).toContain("'rabbit://guest:x@127.42.0.11:5672/'");
    expect(redacted).toContain("'mysql+pymysql://nova:x@127.42.0.11/nova?charset=utf8'");
    expect(redacted).not.toContain("s3cr");
  });

  it("leaves identifiers that contain a password's text alone", () => {
    expect(redactConnectionSecrets(dump)).toContain("`guest_format` varchar(255)");
  });
});
