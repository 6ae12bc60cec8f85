import { RELEASE_CODENAMES } from "../../topology/model";
import type { InstallContext } from "../context";
import { HostShell, isExcludedHost } from "../context";
import guidance from "../data/host-guidance.json";
import type { Step } from "../steps";
import { hostsEntries, withHostsBlock } from "./hosts-file";

type OsFamily = keyof typeof guidance.os;

function fill(template: string, codename: string): string {
  return template.replace(/\{codename\}/g, codename);
}

/**
 * Per host, in parallel: hostname, /etc/hosts, SELinux/firewalld/locale per the host
 * guidance, CRB, the release's RDO repository, `dnf update`. Each command checks first, so
 * the step can run again safely.
 */
export function prepareSteps(ctx: InstallContext): Step[] {
  const codename = RELEASE_CODENAMES[ctx.topology.release];
  const entries = hostsEntries(ctx.topology);
  return ctx.topology.hosts.map((host) => ({
    phase: "prepare",
    host: host.name,
    inputs: { fqdn: host.fqdn, entries, release: ctx.topology.release, codename, guidance },
    leftAlone: isExcludedHost(ctx, host.name) ? "installed; left alone in this scale-out (EXCLUDE_SERVERS)" : undefined,
    run: async () => {
      const sh = new HostShell(ctx, host.name, "prepare");
      const osId = (await sh.sh(". /etc/os-release && echo \"$ID\"", { quiet: true })).stdout.trim();
      const family: OsFamily = osId === "rhel" ? "rhel" : "centos";
      const os = guidance.os[family];

      const current = (await sh.sh("hostname", { quiet: true })).stdout.trim();
      if (current !== host.fqdn) await sh.sh(`hostnamectl set-hostname ${host.fqdn}`);

      const hosts = (await sh.sh("cat /etc/hosts", { quiet: true, check: false })).stdout;
      const wanted = withHostsBlock(hosts, ctx.topology.name, entries);
      // Written in place (not renamed): /etc/hosts is often a bind mount in containers.
      if (wanted !== hosts) await sh.sh("cat > /etc/hosts", { stdin: wanted, label: "write /etc/hosts" });

      if (guidance.selinux === "permissive") {
        await sh.sh(
          "if command -v getenforce >/dev/null 2>&1 && [ \"$(getenforce)\" = Enforcing ]; then setenforce 0; fi; " +
            "if [ -f /etc/selinux/config ] && grep -q '^SELINUX=enforcing' /etc/selinux/config; then sed -i 's/^SELINUX=enforcing/SELINUX=permissive/' /etc/selinux/config; fi",
          { label: "SELinux permissive" },
        );
      }
      if (guidance.firewalld === "disable") {
        await sh.sh(
          "if systemctl is-enabled firewalld >/dev/null 2>&1 || systemctl is-active firewalld >/dev/null 2>&1; then systemctl disable --now firewalld; fi",
          { label: "disable firewalld" },
        );
      }
      const lang = `LANG=${guidance.locale}`;
      if (!(await sh.test(`grep -qx '${lang}' /etc/locale.conf`))) {
        if (!(await sh.test(`rpm -q ${guidance.localePackage}`))) await sh.sh(`dnf install -y ${guidance.localePackage}`);
        await sh.sh(`echo '${lang}' > /etc/locale.conf`, { label: `set ${lang}` });
      }
      await sh.sh(os.enableCrb);
      const pkg = fill(os.releasePackage, codename);
      const pkgName = pkg.includes("/") ? `rdo-release` : pkg;
      if (!(await sh.test(`rpm -q ${pkgName}`))) await sh.sh(`dnf install -y ${pkg}`);
      await sh.sh("dnf update -y");
    },
  }));
}
