import { describe, expect, it } from "vitest";
import { diagnose, formatDiagnosis, stripAnsi } from "../../src/install/diagnose";

const G = (s: string) => `\x1b[0;32m${s}\x1b[0m`;
const R = (s: string) => `\x1b[0;31m${s}\x1b[0m`;
const pad = (title: string) => title.padEnd(70);

const DIR = "/var/tmp/packstack/20250614-101502-k3y9w1";

/** Console output of a Packstack run that fails applying the controller's manifest. */
const PUPPET_FAILURE = [
  "Welcome to the Packstack setup utility",
  "",
  `The installation log file is available at: ${DIR}/openstack-setup.log`,
  "",
  "Installing:",
  pad("Clean Up") + G("[ DONE ]"),
  pad("Discovering ip protocol version") + G("[ DONE ]"),
  pad("Setting up ssh keys") + G("[ DONE ]"),
  pad("Preparing servers") + G("[ DONE ]"),
  pad("Pre installing Puppet and discovering hosts' details") + G("[ DONE ]"),
  pad("Preparing pre-install entries") + G("[ DONE ]"),
  pad("Preparing Keystone entries") + G("[ DONE ]"),
  pad("Checking if NetworkManager is enabled and running") + G("[ DONE ]"),
  pad("Preparing Puppet manifests") + G("[ DONE ]"),
  pad("Copying Puppet modules and manifests") + G("[ DONE ]"),
  "Applying 10.42.0.11_controller.pp",
  "Testing if puppet apply is finished: 10.42.0.11_controller.pp  [ \\ ]",
  pad("10.42.0.11_controller.pp:") + R("[ ERROR ]"),
  pad("Applying Puppet manifests") + R("[ ERROR ]"),
  "",
  R("ERROR : Error appeared during Puppet run: 10.42.0.11_controller.pp"),
  "Error: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
  `You will find full trace in log ${DIR}/manifests/10.42.0.11_controller.pp.log`,
  `Please check log file ${DIR}/openstack-setup.log for more information`,
  "Additional information:",
  " * Time synchronization installation was skipped. Please note that unsynchronized time on server instances might be problem for some OpenStack components.",
  "",
].join("\n");

const MANIFEST_LOG = [
  "2025-06-14 10:21:40 +0000 Notice: Compiled catalog for controller.lab in environment production in 3.12 seconds",
  "2025-06-14 10:21:52 +0000 Error: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
  "2025-06-14 10:21:52 +0000 Error: /Stage[main]/Keystone/Package[keystone]/ensure: change from 'absent' to 'present' failed: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
  "2025-06-14 10:21:53 +0000 Notice: /Stage[main]/Keystone::Deps/Anchor[keystone::install::end]: Dependency Package[keystone] has failures: true",
  "2025-06-14 10:21:53 +0000 Warning: /Stage[main]/Keystone::Deps/Anchor[keystone::install::end]: Skipping because of failed dependencies",
  "2025-06-14 10:21:53 +0000 Error: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
  "",
].join("\n");

describe("diagnose", () => {
  it("names the failing step, the manifest, its Error lines, the logs and advice for a Puppet failure", () => {
    const d = diagnose({
      output: PUPPET_FAILURE,
      exitCode: 1,
      files: { "manifests/10.42.0.11_controller.pp.log": MANIFEST_LOG, "openstack-setup.log": "..." },
      localLogDir: "/home/op/.rdoctl/clouds/lab/artifacts/20250614T102200Z",
    });
    expect(d.failed).toBe(true);
    expect(d.failingStep).toBe("Applying Puppet manifests");
    expect(d.manifest).toBe("10.42.0.11_controller.pp");
    expect(d.manifestHost).toBe("10.42.0.11");
    expect(d.manifestRole).toBe("controller");
    expect(d.message).toBe("Error appeared during Puppet run: 10.42.0.11_controller.pp");
    expect(d.remoteLogDir).toBe(DIR);
    expect(d.manifestLog).toBe("/home/op/.rdoctl/clouds/lab/artifacts/20250614T102200Z/manifests/10.42.0.11_controller.pp.log");
    // de-duplicated, timestamps dropped, Notice/Warning lines left out
    expect(d.errorLines).toEqual([
      "Error: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
      "Error: /Stage[main]/Keystone/Package[keystone]/ensure: change from 'absent' to 'present' failed: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
    ]);
    expect(d.advice[0]).toMatch(/RDO release repository or CRB may be off/);
    expect(d.advice.some((a) => /run the quoted dnf command/.test(a))).toBe(true);
    const text = formatDiagnosis(d);
    expect(text).toContain("failing step:  Applying Puppet manifests");
    expect(text).toContain("manifest:      10.42.0.11_controller.pp (host 10.42.0.11, role controller)");
    expect(text).toContain("all logs:      /home/op/.rdoctl/clouds/lab/artifacts/20250614T102200Z");
  });

  it("falls back to the console's Error lines when the manifest log was not fetched", () => {
    const d = diagnose({ output: PUPPET_FAILURE, exitCode: 1 });
    expect(d.errorLines).toEqual([
      "Error: Execution of '/usr/bin/dnf -d 0 -e 1 -y install openstack-keystone' returned 1: Error: Unable to find a match: openstack-keystone",
    ]);
    expect(d.manifestLog).toBeUndefined();
    expect(formatDiagnosis(d)).toContain(`logs (on the deployer): ${DIR}`);
  });

  it("explains an answer-file rejection (no step failed, exit 1)", () => {
    const output = [
      "Welcome to the Packstack setup utility",
      "Parameter CONFIG_NEUTRON_L2_AGENT failed validation: Given value is not allowed: linuxbridge",
      "",
      R("ERROR : Failed handling answer file: Given value is not allowed: linuxbridge"),
      "",
    ].join("\n");
    const d = diagnose({ output, exitCode: 1 });
    expect(d.failed).toBe(true);
    expect(d.failingStep).toBeUndefined();
    expect(d.manifest).toBeUndefined();
    expect(d.message).toBe("Failed handling answer file: Given value is not allowed: linuxbridge");
    expect(d.advice[0]).toMatch(/rdoctl validate/);
  });

  it("reads a failure at a non-Puppet step (SSH keys), with its advice", () => {
    const output = [
      pad("Clean Up") + G("[ DONE ]"),
      pad("Discovering ip protocol version") + G("[ DONE ]"),
      pad("Setting up ssh keys") + R("[ ERROR ]"),
      "",
      R("ERROR : Failed to run remote script, stdout: \nstderr: Warning: Permanently added '10.42.0.12' (ECDSA) to the list of known hosts.\nPermission denied (publickey,gssapi-keyex,gssapi-with-mic,password)."),
      `Please check log file ${DIR}/openstack-setup.log for more information`,
    ].join("\n");
    const d = diagnose({ output, exitCode: 1 });
    expect(d.failingStep).toBe("Setting up ssh keys");
    expect(d.advice[0]).toMatch(/--from deployer/);
  });

  it("says Packstack did not finish when there is no exit status and no ERROR line", () => {
    const output = [pad("Clean Up") + G("[ DONE ]"), "Preparing servers"].join("\n");
    const d = diagnose({ output, exitCode: null });
    expect(d.failed).toBe(true);
    expect(d.failingStep).toBeUndefined();
    expect(d.advice[0]).toMatch(/did not finish/);
  });

  it("reports success as not failed", () => {
    const output = [
      pad("Finalizing") + G("[ DONE ]"),
      "",
      " **** Installation completed successfully ******",
      "",
    ].join("\n");
    const d = diagnose({ output, exitCode: 0 });
    expect(d.failed).toBe(false);
    expect(d.advice).toEqual([]);
  });

  it("strips ANSI colour codes", () => {
    expect(stripAnsi(`x ${R("[ ERROR ]")}`)).toBe("x [ ERROR ]");
  });
});
