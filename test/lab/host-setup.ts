// What makes a lab host look like a fresh CentOS Stream 9 machine to rdoctl: its names, sshd
// configuration, root's authorized key, the simulated services' starting state, /proc overrides.
import { writeHostFile, fakeCpuinfo, fakeMeminfo } from "./host-fs";

export type SelinuxMode = "enforcing" | "permissive" | "disabled";

/** Services the simulated systemctl knows; state lives in /var/lib/fake-systemd. */
export const SIMULATED_SERVICES = ["firewalld", "NetworkManager", "chronyd", "sshd"] as const;
export type SimulatedService = (typeof SIMULATED_SERVICES)[number];

export interface HostIdentity {
  name: string;
  fqdn: string;
  address: string;
  /** Initial `hostname`. */
  hostname: string;
  /** Lines for /etc/hosts beyond localhost. */
  hostsEntries: string[];
  cpuVirtualization: boolean;
  memoryMiB: number;
  selinux: SelinuxMode;
  /** Services enabled at boot (the rest are disabled); enabled services are active after boot. */
  enabledServices: readonly SimulatedService[];
  clockSynchronized: boolean;
  locale: string;
  /** Authorized for root. */
  authorizedKeys: string[];
  /** Allow password logins for root (only when the host was given a root password). */
  rootPasswordLogin: boolean;
  /** Multiplier of the simulated commands' durations. */
  delayScale: number;
}

export function sshdConfig(rootPasswordLogin: boolean): string {
  return [
    "# rdoctl lab host sshd (Debian OpenSSH) — see test/lab/README.md",
    "Port 22",
    "ListenAddress 0.0.0.0",
    "HostKey /etc/ssh/ssh_host_ed25519_key",
    `PermitRootLogin ${rootPasswordLogin ? "yes" : "prohibit-password"}`,
    "PubkeyAuthentication yes",
    "PasswordAuthentication yes",
    "KbdInteractiveAuthentication no",
    // PAM would want systemd-logind and pam_loginuid, which a namespace host lacks.
    "UsePAM no",
    "PidFile /run/sshd.pid",
    "PrintMotd no",
    "AcceptEnv LANG LC_*",
    // Tests open many connections at once; the defaults (10:30:100, 10) would refuse some.
    "MaxStartups 200:30:400",
    "MaxSessions 100",
    "Subsystem sftp /usr/lib/openssh/sftp-server",
    "",
  ].join("\n");
}

export function writeHostIdentity(root: string, identity: HostIdentity): void {
  const shortName = identity.fqdn.split(".")[0];
  writeHostFile(root, "etc/hostname", `${identity.hostname}\n`);
  writeHostFile(
    root,
    "etc/hosts",
    ["127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4",
     "::1         localhost localhost.localdomain localhost6 localhost6.localdomain6",
     ...identity.hostsEntries, ""].join("\n"),
  );
  // No nameserver: lookups fail fast instead of leaving the lab for a real resolver.
  writeHostFile(root, "etc/resolv.conf", "# rdoctl lab: no DNS; names come from /etc/hosts\n");
  writeHostFile(root, "etc/machine-id", `${randomHex(32)}\n`);
  writeHostFile(root, "etc/ssh/sshd_config", sshdConfig(identity.rootPasswordLogin));
  writeHostFile(root, "root/.ssh/authorized_keys", `${identity.authorizedKeys.join("\n")}\n`, 0o600);
  writeHostFile(root, "etc/selinux/config", `SELINUX=${identity.selinux}\nSELINUXTYPE=targeted\n`);
  writeHostFile(root, "etc/locale.conf", `LANG=${identity.locale}\n`);
  writeHostFile(root, "etc/fake-host/clock-synchronized", identity.clockSynchronized ? "yes\n" : "no\n");
  writeHostFile(root, "etc/fake-host/short-name", `${shortName}\n`);
  writeHostFile(root, "etc/fake-host/delay-scale", `${identity.delayScale}\n`);
  for (const service of SIMULATED_SERVICES) {
    const enabled = identity.enabledServices.includes(service) ? "enabled" : "disabled";
    writeHostFile(root, `var/lib/fake-systemd/${service}.enabled`, `${enabled}\n`);
  }
  writeHostFile(root, "usr/local/lib/rdoctl-lab/proc/cpuinfo", fakeCpuinfo(identity.cpuVirtualization));
  writeHostFile(root, "usr/local/lib/rdoctl-lab/proc/meminfo", fakeMeminfo(identity.memoryMiB));
}

function randomHex(length: number): string {
  let out = "";
  while (out.length < length) out += Math.floor(Math.random() * 16).toString(16);
  return out;
}
