/**
 * Differential check of `checkAnswerFile` against Packstack's own loader (manual tool, not part
 * of `npm test`: it needs Packstack's source, which rdoctl does not ship).
 *
 *   npx tsx test/packstack/differential/run.ts RELEASE PACKSTACK_CHECKOUT [ref|examples|allon]
 *
 * PACKSTACK_CHECKOUT is that release's branch of Packstack (git archive of stable/RELEASE).
 * $PACKSTACK_PYTHON (default python3) must import netaddr, netifaces, docutils, ldap, distro
 * (Debian: python3-netaddr python3-netifaces python3-docutils python3-ldap python3-distro).
 * Every parameter of the base files is set to a range of good and bad values (and removed); each
 * variant is checked by rdoctl and by packstack_load.py, and the verdicts and messages compared.
 * `allon` bases switch on every optional group (LDAP, AMQP SSL/auth, Horizon SSL, vCenter,
 * RHSM/Satellite, Manila/NetApp/Gluster, Cinder NFS/NetApp/SolidFire, OVS) so their keys are read.
 * Differences by design are listed at the end; anything else is a bug in rdoctl.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadCatalog, parseRelease, referenceAnswerFile } from "../../../src/packstack/catalog";
import { checkAnswerFile } from "../../../src/packstack/check";
import { exampleAnswerFiles } from "../../../src/packstack/examples";

const [releaseArg, checkout, mode = "ref"] = process.argv.slice(2);
if (!releaseArg || !checkout) {
  process.stderr.write("usage: run.ts RELEASE PACKSTACK_CHECKOUT [ref|examples|allon]\n");
  process.exit(2);
}
const release = parseRelease(releaseArg);
const catalog = loadCatalog(release);
const work = fs.mkdtempSync(path.join(os.tmpdir(), `rdoctl-differential-${release}-`));

function setKey(text: string, key: string, value: string | null): string {
  const line = new RegExp(`^${key}=.*$`, "m");
  if (value === null) return text.replace(line, "");
  return line.test(text) ? text.replace(line, () => `${key}=${value}`) : `${text}${key}=${value}\n`;
}

const ALL_ON: Record<string, string> = {
  CONFIG_UNSUPPORTED: "y", CONFIG_VMWARE_BACKEND: "y", CONFIG_VCENTER_HOST: "10.0.0.9", CONFIG_KEYSTONE_IDENTITY_BACKEND: "ldap",
  CONFIG_AMQP_ENABLE_SSL: "y", CONFIG_AMQP_ENABLE_AUTH: "y", CONFIG_HORIZON_SSL: "y", CONFIG_MANILA_INSTALL: "y", CONFIG_HEAT_INSTALL: "y",
  CONFIG_TROVE_INSTALL: "y", CONFIG_MAGNUM_INSTALL: "y", CONFIG_IRONIC_INSTALL: "y", CONFIG_SAHARA_INSTALL: "y", CONFIG_PROVISION_TEMPEST: "y",
  CONFIG_RH_USER: "u", CONFIG_RH_PROXY: "p", CONFIG_SATELLITE_URL: "s", CONFIG_SATELLITE_PROXY: "sp",
  CONFIG_KEYSTONE_LDAP_SUFFIX: "dc=example,dc=com", CONFIG_KEYSTONE_LDAP_USER_SUBTREE: "ou=Users,dc=example,dc=com",
  CONFIG_KEYSTONE_LDAP_GROUP_SUBTREE: "ou=Groups,dc=example,dc=com",
};
const NETAPP = { CONFIG_CINDER_BACKEND: "netapp", CONFIG_CINDER_NETAPP_LOGIN: "l", CONFIG_CINDER_NETAPP_PASSWORD: "p", CONFIG_CINDER_NETAPP_HOSTNAME: "h" };
const VARIANTS: Record<string, string>[] = [
  { CONFIG_CINDER_BACKEND: "nfs", CONFIG_CINDER_NFS_MOUNTS: "10.0.0.5:/export" },
  { ...NETAPP, CONFIG_CINDER_NETAPP_VSERVER: "v" },
  { ...NETAPP, CONFIG_CINDER_NETAPP_STORAGE_FAMILY: "ontap_7mode", CONFIG_CINDER_NETAPP_STORAGE_PROTOCOL: "iscsi", CONFIG_CINDER_NETAPP_VOLUME_LIST: "v", CONFIG_CINDER_NETAPP_VFILER: "f" },
  { ...NETAPP, CONFIG_CINDER_NETAPP_STORAGE_FAMILY: "eseries", CONFIG_CINDER_NETAPP_CONTROLLER_IPS: "10.0.0.7" },
  { CONFIG_CINDER_BACKEND: "solidfire", CONFIG_CINDER_SOLIDFIRE_LOGIN: "l", CONFIG_CINDER_SOLIDFIRE_PASSWORD: "p", CONFIG_CINDER_SOLIDFIRE_HOSTNAME: "h" },
  { CONFIG_MANILA_BACKEND: "netapp", CONFIG_MANILA_NETAPP_PASSWORD: "p", CONFIG_MANILA_NETAPP_SERVER_HOSTNAME: "h", CONFIG_MANILA_NETAPP_VSERVER: "v" },
  { CONFIG_MANILA_BACKEND: "glusternative", CONFIG_MANILA_GLUSTERFS_SERVERS: "g" },
  { CONFIG_MANILA_BACKEND: "glusternfs", CONFIG_MANILA_GLUSTERFS_TARGET: "t" },
  { CONFIG_MANILA_NETWORK_TYPE: "standalone", CONFIG_MANILA_NETWORK_STANDALONE_GATEWAY: "g", CONFIG_MANILA_NETWORK_STANDALONE_NETMASK: "m" },
  { CONFIG_NEUTRON_L2_AGENT: "openvswitch", CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS: "openvswitch", CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES: "vxlan", CONFIG_NEUTRON_ML2_TYPE_DRIVERS: "vxlan,flat" },
];

function bases(): { name: string; text: string }[] {
  if (mode === "examples") return exampleAnswerFiles().filter((e) => e.release === release).map((e) => ({ name: e.file, text: e.text }));
  if (mode !== "allon") return [{ name: "reference", text: referenceAnswerFile(release) }];
  return VARIANTS.map((variant, i) => {
    let text = referenceAnswerFile(release);
    for (const [key, value] of Object.entries({ ...ALL_ON, ...variant })) if (catalog.byName.has(key)) text = setKey(text, key, value);
    // Fill remaining required values until rdoctl accepts the base; Packstack must agree on it too.
    for (let round = 0; round < 40; round++) {
      const result = checkAnswerFile(text, release);
      const key = result.accepted ? undefined : result.errors.find((e) => e.code === "invalid-value")?.key;
      if (!key) break;
      const param = catalog.byName.get(key)!;
      text = setKey(text, key, param.validators.includes("validate_ldap_dn") ? "dc=example,dc=com" : param.validators.includes("validate_ip") ? "10.0.0.8" : param.option_list[0] || "x");
    }
    return { name: `all-on ${i}`, text };
  });
}

const VALUES = ["", "bogus", "y", "n", "-1", "70000", "1.5", "1e3", "10.0.0.1/24", "2001:db8::1", "h.example.com", "PW_PLACEHOLDER", "[]", '{"a":1}', "True", "/dev/vdb", "20G", "x y"];
const cases: { file: string; result: ReturnType<typeof checkAnswerFile> }[] = [];
for (const base of bases()) {
  const variants = [base.text];
  for (const param of catalog.orderedParams) {
    for (const value of new Set([...VALUES, ...param.option_list.slice(0, 3), param.option_list.slice(0, 2).join(",")])) variants.push(setKey(base.text, param.name, value));
    variants.push(setKey(base.text, param.name, null));
  }
  for (const text of variants) {
    const file = path.join(work, `${cases.length}.txt`);
    fs.writeFileSync(file, text);
    cases.push({ file, result: checkAnswerFile(text, release, { source: file }) });
  }
}

interface PackstackVerdict {
  readonly accepted: boolean;
  readonly error: string | null;
  readonly printed: readonly string[];
}
const packstack = new Map<string, PackstackVerdict>();
for (let i = 0; i < cases.length; i += 400) {
  const files = cases.slice(i, i + 400).map((c) => c.file);
  const run = spawnSync(process.env.PACKSTACK_PYTHON ?? "python3", [path.join(__dirname, "packstack_load.py"), checkout, ...files], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`packstack_load.py failed: ${run.stderr}`);
  for (const line of run.stdout.split("\n").filter(Boolean)) {
    const verdict = JSON.parse(line) as PackstackVerdict & { file: string };
    packstack.set(verdict.file, verdict);
  }
}

/** Differences rdoctl makes on purpose (see src/packstack/README.md). */
const BY_DESIGN: readonly [RegExp, string][] = [
  [/does not listen on port 22|is unreachable|is not a valid (IP address|host name)/, "host form checks (the harness switches Packstack's network probes off; rdoctl says what is wrong with the value)"],
  [/at random|Inconsistent host format/, "host names mixed with addresses (Packstack decides by Python set order)"],
  [/\*{8}/, "masked values hidden in messages"],
  [/CONFIG_SSL_CERT_DIR/, "writeable directory (depends on the deployer's filesystem)"],
  [/then stops at the step/, "value checks of later setup steps (data/packstack/step-checks.json): Packstack's loader accepts, its run stops there"],
];
let agree = 0;
const explained = new Map<string, number>();
const unexplained: string[] = [];
for (const { file, result } of cases) {
  const theirs = packstack.get(file)!;
  const theirMessage = theirs.printed[0] ?? (theirs.error === null ? "" : theirs.error);
  const mine = result.packstackError ?? "";
  const same = theirs.accepted === result.accepted && (theirs.accepted || theirMessage === mine || `Failed handling answer file: ${theirMessage}` === mine);
  if (same) {
    agree++;
    continue;
  }
  const line = `packstack ${theirs.accepted ? "accepts" : `rejects: ${theirMessage}`} | rdoctl ${result.accepted ? "accepts" : `rejects: ${mine}`}`;
  const reason = BY_DESIGN.find(([pattern]) => pattern.test(line))?.[1];
  if (reason) explained.set(reason, (explained.get(reason) ?? 0) + 1);
  else unexplained.push(`${file}: ${line}`);
}
process.stdout.write(`Packstack ${release} (${mode}): ${cases.length} answer files, ${agree} same verdict and message\n`);
for (const [reason, count] of explained) process.stdout.write(`  ${count} differ by design: ${reason}\n`);
process.stdout.write(`  ${unexplained.length} unexplained\n`);
for (const line of unexplained.slice(0, 50)) process.stdout.write(`    ${line}\n`);
fs.rmSync(work, { recursive: true, force: true });
process.exitCode = unexplained.length > 0 ? 1 : 0;
