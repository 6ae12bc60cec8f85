import { isIP } from "node:net";
import { isPythonFloat, isPythonInt, pyListRepr, pyRepr, pyStr, type PackstackValue } from "./pyrepr";

/**
 * Packstack's parameter validators, by the names the catalogs use. Each one accepts and rejects
 * what Packstack's accepts and rejects and fails with Packstack's message, with one class of
 * exception: checks that need the machine running Packstack or the network (does the SSH key
 * file exist, does a host answer on port 22 or to ping, is a directory writeable) are checked
 * for form only, because `rdoctl answers check` runs anywhere, often long before the hosts
 * exist; those return a note saying what was not checked. The installer's preflight checks
 * reachability on the real hosts.
 */

/** Thrown with the text Packstack prints after `Parameter KEY failed validation: `. */
export class ParamValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParamValidationError";
  }
}

/** A validator fails by throwing; it may return a note about what it could not check offline. */
export type Validator = (value: PackstackValue, options: readonly string[]) => string | undefined;

function fail(message: string): never {
  throw new ParamValidationError(message);
}

/** Python truthiness of a processed value. */
function truthy(value: PackstackValue): boolean {
  return value !== null && value !== false && value !== "";
}

function text(value: PackstackValue): string {
  return pyStr(value);
}

const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** `socket.inet_pton` for either family: Node's isIP, minus IPv6 zone ids inet_pton refuses. */
export function isInetAddress(value: string): boolean {
  return isIP(value) !== 0 && !value.includes("%");
}

/** A name `getaddrinfo` could look up, or an address literal. */
export function isHostSyntax(value: string): boolean {
  return isInetAddress(value) || (HOSTNAME.test(value) && !/^[0-9.]+$/.test(value));
}

/**
 * Why a value cannot name a host: "not a valid IP address" for what is meant as one (digits
 * and dots, or an IPv6 form), else "not a valid host name". Packstack itself only reports the
 * connection or ping that then fails, which sends the operator looking at the network.
 */
function hostSyntaxProblem(value: string): string {
  const bare = value.replace(/^\[|\]$/g, "");
  return /^[0-9./]+$/.test(bare) || bare.includes(":") ? "not a valid IP address" : "not a valid host name or IP address";
}

function validateInteger(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  if (typeof value !== "string" || !isPythonInt(value)) fail(`Given value is not an integer: ${text(value)}`);
  return undefined;
}

function validateFloat(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  if (typeof value !== "string" || !isPythonFloat(value)) fail(`Given value is not a float: ${text(value)}`);
  return undefined;
}

function validateRegexp(value: PackstackValue, options: readonly string[]): undefined {
  if (!truthy(value)) return undefined;
  const subject = text(value);
  // Python's re.search: unanchored unless the pattern anchors itself.
  if (!options.some((pattern) => new RegExp(pattern).test(subject))) {
    fail(`Given value does not match required regular expression: ${subject}`);
  }
  return undefined;
}

function validatePort(value: PackstackValue, options: readonly string[]): undefined {
  if (!truthy(value)) return undefined;
  validateInteger(value);
  const port = Number(String(value).replace(/_/g, "").trim());
  if (!(port >= 0 && port < 65535)) fail(`Given value is outside the range of (0, 65535): ${text(value)}`);
  void options;
  return undefined;
}

export function validateNotEmpty(value: PackstackValue): undefined {
  if (!truthy(value) && value !== false) fail(`Given value is not allowed: ${text(value)}`);
  return undefined;
}

function validateOptions(value: PackstackValue, options: readonly string[]): undefined {
  if (!truthy(value)) return undefined;
  if (typeof value !== "string" || !options.includes(value)) {
    fail(`Given value is not member of allowed values ${pyListRepr(options)}: ${text(value)}`);
  }
  return undefined;
}

function validateMultiOptions(value: PackstackValue, options: readonly string[]): undefined {
  if (!truthy(value)) return undefined;
  for (const item of text(value).split(",")) validateOptions(item.trim(), options);
  return undefined;
}

function validateIp(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  if (!isInetAddress(text(value))) fail(`Given host is not in IP address format: ${text(value)}`);
  return undefined;
}

function validateFile(value: PackstackValue): string | undefined {
  if (!truthy(value)) return undefined;
  const file = text(value);
  if (!file.startsWith("/") && !file.startsWith("~")) {
    return `${file} is a relative path: Packstack resolves it in the directory it is started from`;
  }
  return `not checked here: ${file} must exist on the machine that runs Packstack`;
}

function validateSshKey(value: PackstackValue): string | undefined {
  if (!truthy(value)) return undefined;
  const file = text(value);
  if (!file.endsWith(".pub")) {
    return `${file} does not end in .pub: Packstack needs the public key (a private key there fails with "Public SSH key is required. You passed private key.")`;
  }
  return undefined;
}

function validateWriteableDirectory(value: PackstackValue): string | undefined {
  if (!truthy(value)) return undefined;
  return `not checked here: ${text(value)} (or its parent) must be writeable on the machine that runs Packstack`;
}

function validateMultiPing(value: PackstackValue): string | undefined {
  // Packstack pings each host from the deployer. rdoctl checks the form only: a check must give
  // the same answer wherever it runs, and these are storage controllers only the deployer sees.
  const bad = text(value)
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "" && !isHostSyntax(h));
  if (bad.length > 0) fail(`Given host is ${hostSyntaxProblem(bad[0]!)}: ${bad[0]}`);
  return truthy(value) ? `not checked here: Packstack pings ${text(value)} from the deployer` : undefined;
}

function validateSsh(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  // Packstack opens a TCP connection to port 22; a value that cannot name a host fails there.
  const host = text(value).trim();
  if (!isHostSyntax(host)) fail(`Given host is ${hostSyntaxProblem(host)}: ${text(value)}`);
  return undefined;
}

function validateMultiSsh(value: PackstackValue): undefined {
  for (const host of text(value).split(",")) validateSsh(host);
  return undefined;
}

function validateLdapUrl(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  const url = text(value);
  const match = /^(ldap|ldaps|ldapi):\/\/([^/?]*)(?:\/([^?]*))?(?:\?.*)?$/i.exec(url);
  if (!match) fail(`The given string [${url}] is not a valid LDAP URL: Value ${pyRepr(url)} for ldap_url does not seem to be a LDAP URL.`);
  return undefined;
}

/** RFC 4514 distinguished name, as python-ldap's `str2dn` accepts it. */
export function isLdapDn(dn: string): boolean {
  const attrType = "(?:[A-Za-z][A-Za-z0-9-]*|\\d+(?:\\.\\d+)*)";
  const pair = "\\\\(?:[ \"#+,;<=>\\\\]|[0-9A-Fa-f]{2})";
  const stringChar = "[^\"+,;<>\\\\\\x00]";
  const value = `(?:#(?:[0-9A-Fa-f]{2})+|(?:${stringChar}|${pair})*|"(?:[^"\\\\]|${pair})*")`;
  const ava = `\\s*${attrType}\\s*=\\s*${value}\\s*`;
  const rdn = `${ava}(?:\\+${ava})*`;
  return new RegExp(`^${rdn}(?:[,;]${rdn})*$`).test(dn);
}

function validateLdapDn(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  const dn = text(value);
  if (!isLdapDn(dn)) fail(`The given string [${dn}] is not a valid LDAP DN: `);
  return undefined;
}

function validateExport(value: string): void {
  const message = `The nfs export [${value}] is not a valid export - use squares around ipv6 addresses -.`;
  const parts = value.split(":/");
  if (parts.length !== 2) fail(message);
  const [host, exportPath] = parts as [string, string];
  const squared = /\[([^\]]+)\]/.exec(host);
  if (squared) {
    if (isIP(squared[1]!) !== 6) fail(message);
  } else if (isIP(host.trim()) !== 4) {
    fail(message);
  }
  const ip = squared ? squared[1]! : host;
  if (!isInetAddress(ip)) fail(`Given host is not in IP address format: ${ip}`);
  if (!exportPath) fail(message);
}

function validateMultiExport(value: PackstackValue): undefined {
  for (const item of text(value).split(",")) validateExport(item);
  return undefined;
}

function validateNeutron(value: PackstackValue, options: readonly string[]): undefined {
  validateOptions(value, options);
  if (value !== "y") fail("Nova network support has been removed in Ocata. Neutron service must be enabled");
  return undefined;
}

function validateStorage(value: PackstackValue): undefined {
  if (!truthy(value)) return undefined;
  if (!text(value).startsWith("/")) fail('Storage value has to be in format "/path/to/device".');
  return undefined;
}

function validateStorageSize(value: PackstackValue): undefined {
  // re.match: anchored at the start only, so "20Gx" passes as it does in Packstack.
  if (!/^(?:\d+G|\d+M|\d+K)/i.test(text(value))) fail("Storage size not have a valid value (eg. 1G, 1000M, 1000000K)");
  return undefined;
}

export const VALIDATORS: Readonly<Record<string, Validator>> = {
  validate_integer: validateInteger,
  validate_float: validateFloat,
  validate_regexp: validateRegexp,
  validate_port: validatePort,
  validate_not_empty: validateNotEmpty,
  validate_options: validateOptions,
  validate_multi_options: validateMultiOptions,
  validate_ip: validateIp,
  validate_file: validateFile,
  validate_sshkey: validateSshKey,
  validate_writeable_directory: validateWriteableDirectory,
  validate_multi_ping: validateMultiPing,
  validate_ssh: validateSsh,
  validate_multi_ssh: validateMultiSsh,
  validate_ldap_url: validateLdapUrl,
  validate_ldap_dn: validateLdapDn,
  validate_multi_export: validateMultiExport,
  validate_neutron: validateNeutron,
  validate_storage: validateStorage,
  validate_storage_size: validateStorageSize,
};

export function validatorFor(name: string): Validator {
  const validator = VALIDATORS[name];
  if (!validator) throw new Error(`no implementation of Packstack validator ${name}`);
  return validator;
}
