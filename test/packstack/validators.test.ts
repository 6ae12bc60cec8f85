import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/packstack/catalog";
import { loadAnswers } from "../../src/packstack/load";
import { PROCESSORS, type ProcessorContext } from "../../src/packstack/processors";
import { isLdapDn, VALIDATORS } from "../../src/packstack/validators";

const fails = (name: string, value: string | boolean | null, options: string[] = []): string => {
  try {
    VALIDATORS[name]!(value, options);
  } catch (err) {
    return (err as Error).message;
  }
  return "passed";
};

describe("Packstack validators", () => {
  it("validate_not_empty: '' and None fail, False passes", () => {
    expect(fails("validate_not_empty", "")).toBe("Given value is not allowed: ");
    expect(fails("validate_not_empty", null)).toBe("Given value is not allowed: None");
    expect(fails("validate_not_empty", false)).toBe("passed");
  });

  it("validate_options / multi_options: empty passes, members only, Python list repr in the message", () => {
    expect(fails("validate_options", "", ["y", "n"])).toBe("passed");
    expect(fails("validate_options", "Y", ["y", "n"])).toBe("Given value is not member of allowed values ['y', 'n']: Y");
    expect(fails("validate_multi_options", "geneve, flat", ["flat", "geneve"])).toBe("passed");
    expect(fails("validate_multi_options", "geneve,bogus", ["flat", "geneve"])).toBe("Given value is not member of allowed values ['flat', 'geneve']: bogus");
  });

  it("validate_integer, validate_float, validate_port follow Python's int()/float()", () => {
    expect(fails("validate_integer", "-1")).toBe("passed");
    expect(fails("validate_integer", "1_000")).toBe("passed");
    expect(fails("validate_integer", "1.5")).toBe("Given value is not an integer: 1.5");
    expect(fails("validate_float", "16.0")).toBe("passed");
    expect(fails("validate_float", "1e3")).toBe("passed");
    expect(fails("validate_float", "inf")).toBe("passed");
    expect(fails("validate_float", "1,5")).toBe("Given value is not a float: 1,5");
    expect(fails("validate_port", "65534")).toBe("passed");
    expect(fails("validate_port", "65535")).toBe("Given value is outside the range of (0, 65535): 65535");
    expect(fails("validate_port", "http")).toBe("Given value is not an integer: http");
  });

  it("validate_ip (inet_pton), validate_regexp (re.search)", () => {
    expect(fails("validate_ip", "2001:db8::1")).toBe("passed");
    expect(fails("validate_ip", "fe80::1%eth0")).toBe("Given host is not in IP address format: fe80::1%eth0");
    expect(fails("validate_ip", "10.0.0.256")).toBe("Given host is not in IP address format: 10.0.0.256");
    expect(fails("validate_regexp", "/devmgr/v2", ["^[/].*$"])).toBe("passed");
    expect(fails("validate_regexp", "devmgr", ["^[/].*$"])).toBe("Given value does not match required regular expression: devmgr");
  });

  it("validate_ssh / multi_ssh: a value that cannot name a host fails, saying why (not as a port-22 probe)", () => {
    expect(fails("validate_ssh", "controller.example.com")).toBe("passed");
    expect(fails("validate_ssh", "10.0.0.1")).toBe("passed");
    expect(fails("validate_ssh", "10.0.0.1/24")).toBe("Given host is not a valid IP address: 10.0.0.1/24");
    expect(fails("validate_ssh", "10.0.0.300")).toBe("Given host is not a valid IP address: 10.0.0.300");
    expect(fails("validate_ssh", "2001:db8::g")).toBe("Given host is not a valid IP address: 2001:db8::g");
    expect(fails("validate_multi_ssh", "10.0.0.1,10.0.0.2")).toBe("passed");
    expect(fails("validate_multi_ssh", "10.0.0.1,bad host")).toBe("Given host is not a valid host name or IP address: bad host");
  });

  it("validate_multi_ping checks the form only (no ICMP from a checker that runs anywhere)", () => {
    expect(fails("validate_multi_ping", "")).toBe("passed");
    expect(VALIDATORS.validate_multi_ping!("10.0.0.5,storage1", [])).toMatch(/not checked here: Packstack pings/);
    expect(fails("validate_multi_ping", "10.0.0.5,no such host")).toBe("Given host is not a valid host name or IP address: no such host");
    expect(fails("validate_multi_ping", "10.0.0.500")).toBe("Given host is not a valid IP address: 10.0.0.500");
  });

  it("validate_multi_export: host:/path, IPv6 in brackets, empty fails", () => {
    expect(fails("validate_multi_export", "192.168.1.5:/export/cinder,[2001:db8::5]:/export")).toBe("passed");
    expect(fails("validate_multi_export", "")).toBe("The nfs export [] is not a valid export - use squares around ipv6 addresses -.");
    expect(fails("validate_multi_export", "nfs.example.com:/export")).toBe(
      "The nfs export [nfs.example.com:/export] is not a valid export - use squares around ipv6 addresses -.",
    );
  });

  it("validate_neutron rejects n although n is listed as a choice", () => {
    expect(fails("validate_neutron", "y", ["y", "n"])).toBe("passed");
    expect(fails("validate_neutron", "n", ["y", "n"])).toBe("Nova network support has been removed in Ocata. Neutron service must be enabled");
  });

  it("validate_storage and validate_storage_size (anchored at the start only)", () => {
    expect(fails("validate_storage", "/dev/vdb,/dev/vdc")).toBe("passed");
    expect(fails("validate_storage", "vdb")).toBe('Storage value has to be in format "/path/to/device".');
    expect(fails("validate_storage_size", "20Gfoo")).toBe("passed");
    expect(fails("validate_storage_size", "")).toBe("Storage size not have a valid value (eg. 1G, 1000M, 1000000K)");
  });

  it("validate_ldap_url and validate_ldap_dn", () => {
    expect(fails("validate_ldap_url", "ldaps://ldap.example.com:636")).toBe("passed");
    expect(fails("validate_ldap_url", "http://ldap")).toBe(
      "The given string [http://ldap] is not a valid LDAP URL: Value 'http://ldap' for ldap_url does not seem to be a LDAP URL.",
    );
    expect(isLdapDn("cn=admin,dc=example,dc=com")).toBe(true);
    expect(isLdapDn("cn=a\\,b+uid=x;ou=People")).toBe(true);
    expect(fails("validate_ldap_dn", "not a dn")).toBe("The given string [not a dn] is not a valid LDAP DN: ");
  });

  it("validate_file, validate_sshkey, validate_writeable_directory say what only the deployer can check", () => {
    expect(VALIDATORS.validate_file!("/root/.ssh/id_rsa.pub", [])).toMatch(/must exist on the machine that runs Packstack/);
    expect(VALIDATORS.validate_sshkey!("/root/.ssh/id_rsa", [])).toMatch(/does not end in \.pub/);
    expect(VALIDATORS.validate_writeable_directory!("~/packstackca/", [])).toMatch(/writeable on the machine that runs Packstack/);
  });
});

describe("Packstack processors", () => {
  const context = (config: Record<string, string>): ProcessorContext => ({
    config: new Map(Object.entries(config)),
    home: "/root",
    randomHex: (n) => "f".repeat(n),
  });

  it("process_password: PW_PLACEHOLDER → CONFIG_DEFAULT_PASSWORD if set, else 16 hex", () => {
    expect(PROCESSORS.process_password!("PW_PLACEHOLDER", "CONFIG_X_PW", context({ CONFIG_DEFAULT_PASSWORD: "s3cret" }))).toBe("s3cret");
    expect(PROCESSORS.process_password!("PW_PLACEHOLDER", "CONFIG_X_PW", context({ CONFIG_DEFAULT_PASSWORD: "" }))).toBe("f".repeat(16));
    expect(PROCESSORS.process_password!("mine", "CONFIG_X_PW", context({ CONFIG_DEFAULT_PASSWORD: "s3cret" }))).toBe("mine");
  });

  it("process_bool: y/yes/true and n/no/false in any case; anything else is None", () => {
    expect(["Y", "yes", "TRUE"].map((v) => PROCESSORS.process_bool!(v, "K", context({})))).toEqual([true, true, true]);
    expect(["n", "No", "false"].map((v) => PROCESSORS.process_bool!(v, "K", context({})))).toEqual([false, false, false]);
    expect(PROCESSORS.process_bool!("1", "K", context({}))).toBeNull();
  });

  it("process_add_quotes_around_values, process_string_nofloat, process_backend, process_tempest, process_trove_nova_pw, process_ssh_key", () => {
    expect(PROCESSORS.process_add_quotes_around_values!("a,'b',c'", "K", context({}))).toBe("'a','b','c'");
    expect(PROCESSORS.process_string_nofloat!("123e4", "K", context({}))).toBe("f".repeat(16));
    expect(PROCESSORS.process_string_nofloat!("abc", "K", context({}))).toBe("abc");
    expect(PROCESSORS.process_backend!("swift", "K", context({ CONFIG_SWIFT_INSTALL: "n" }))).toBe("file");
    expect(PROCESSORS.process_backend!("swift", "K", context({ CONFIG_SWIFT_INSTALL: "y" }))).toBe("swift");
    expect(PROCESSORS.process_tempest!("", "K", context({ CONFIG_NETWORK_HOSTS: "10.0.0.2,10.0.0.3" }))).toBe("10.0.0.2");
    expect(PROCESSORS.process_trove_nova_pw!("PW_PLACEHOLDER", "K", context({ CONFIG_TROVE_NOVA_USER: "trove", CONFIG_TROVE_KS_PW: "tks" }))).toBe("tks");
    expect(PROCESSORS.process_trove_nova_pw!("PW_PLACEHOLDER", "K", context({ CONFIG_TROVE_NOVA_USER: "nova" }))).toBe("PW_PLACEHOLDER");
    expect(PROCESSORS.process_ssh_key!("", "K", context({}))).toBe("/root/.ssh/id_rsa.pub");
    expect(PROCESSORS.process_heat!("n", "K", context({}))).toBe("n");
    expect(PROCESSORS.process_heat!("n", "K", context({ CONFIG_SAHARA_INSTALL: "y" }))).toBe("y");
  });
});

describe("checks Packstack runs after loading", () => {
  const catalog = loadCatalog("2025.1");
  const load = (values: Record<string, string>) => loadAnswers(catalog, (k) => values[k]);

  it("Nova without Glance", () => {
    expect(load({ CONFIG_GLANCE_INSTALL: "n" }).failure?.message).toBe("Glance is required to install Nova properly. Please set CONFIG_GLANCE_INSTALL=y");
  });

  it("CONFIG_PROVISION_DEMO_ALLOCATION_POOLS must be a JSON list (read only with demo provisioning)", () => {
    const key = "CONFIG_PROVISION_DEMO_ALLOCATION_POOLS";
    expect(load({ CONFIG_PROVISION_DEMO: "y", [key]: '{"start": "a"}' }).failure?.message).toBe(`"Key ${key} is not a list: {'start': 'a'}"`);
    expect(load({ CONFIG_PROVISION_DEMO: "y", [key]: "1e3" }).failure?.message).toBe(`'Key ${key} is not a list: 1000.0'`);
    expect(load({ CONFIG_PROVISION_DEMO: "y", [key]: "start=a" }).failure?.message).toBe("Expecting value: line 1 column 1 (char 0)");
    expect(load({ CONFIG_PROVISION_DEMO: "n", [key]: "start=a" }).failure).toBeUndefined();
  });

  it("IPv4 with IPv6, and host names mixed with addresses", () => {
    const v4 = { CONFIG_CONTROLLER_HOST: "10.0.0.1", CONFIG_COMPUTE_HOSTS: "10.0.0.2", CONFIG_NETWORK_HOSTS: "10.0.0.1", CONFIG_AMQP_HOST: "10.0.0.1", CONFIG_MARIADB_HOST: "10.0.0.1", CONFIG_REDIS_HOST: "10.0.0.1" };
    expect(load(v4).failure).toBeUndefined();
    expect(load({ ...v4, CONFIG_COMPUTE_HOSTS: "2001:db8::2" }).failure?.message).toBe(
      "Inconsistent host format. Please use either IPv4 addresses, IPv6 adresses or hostnames for all host variables. ",
    );
    expect(load({ ...v4, CONFIG_COMPUTE_HOSTS: "compute1.example.com" }).failure?.message).toMatch(/at random/);
  });

  it("CONFIG_NEUTRON_INSTALL must be y", () => {
    expect(load({ CONFIG_NEUTRON_INSTALL: "n" }).failure?.message).toBe(
      "Parameter CONFIG_NEUTRON_INSTALL failed validation: Nova network support has been removed in Ocata. Neutron service must be enabled",
    );
  });
});
