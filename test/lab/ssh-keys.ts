// SSH key material for the lab, made with the real ssh-keygen so it is exactly what OpenSSH uses.
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { run } from "./exec";

export interface KeyPair {
  privateKeyFile: string;
  /** The public key line: "ssh-ed25519 AAAA… comment". */
  publicKey: string;
  /** OpenSSH's SHA256 fingerprint, "SHA256:…" (unpadded base64 of the key blob's digest). */
  fingerprint: string;
}

export async function generateKeyPair(privateKeyFile: string, comment: string): Promise<KeyPair> {
  rmSync(privateKeyFile, { force: true });
  rmSync(`${privateKeyFile}.pub`, { force: true });
  await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", privateKeyFile]);
  const publicKey = readFileSync(`${privateKeyFile}.pub`, "utf8").trim();
  return { privateKeyFile, publicKey, fingerprint: fingerprintOf(publicKey) };
}

export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key line: ${publicKeyLine.slice(0, 40)}`);
  return fingerprintOfBlob(Buffer.from(blob, "base64"));
}

/** OpenSSH's SHA256 fingerprint of a raw host key blob (what ssh2's hostVerifier receives). */
export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type and blob without the comment, as known_hosts stores it. */
export function keyWithoutComment(publicKeyLine: string): string {
  return publicKeyLine.trim().split(/\s+/).slice(0, 2).join(" ");
}
