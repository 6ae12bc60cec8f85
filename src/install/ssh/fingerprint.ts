import { createHash } from "node:crypto";

/**
 * OpenSSH-style fingerprint of a public key blob (the wire format, as in known_hosts'
 * base64 field): `SHA256:` + unpadded base64 of its sha256, as `ssh-keygen -lf` prints.
 */
export function fingerprintOf(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** The key type named at the start of a public key blob, e.g. `ssh-ed25519`. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) return "unknown";
  return blob.subarray(4, 4 + len).toString("latin1");
}

/** A presented host key, described for messages and known_hosts lines. */
export interface PresentedKey {
  readonly type: string;
  readonly blob: Buffer;
  readonly fingerprint: string;
}

export function describeKey(blob: Buffer): PresentedKey {
  return { type: keyTypeOf(blob), blob, fingerprint: fingerprintOf(blob) };
}

/** Host key algorithms that can present a key of the given type. */
export function algorithmsForKeyType(type: string): string[] {
  if (type === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return [type];
}
