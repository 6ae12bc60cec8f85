import * as fs from "node:fs";
import { Construct } from "../../cdktf";
import { ComputeKeypairV2 } from "../provider";
import { describeErrno, isErrnoException } from "../../errors";
import { ImportedKeypair } from "../imported";
import type { IKeypair } from "../interfaces";
import { addProblem } from "../validation";

/** Props of {@link Keypair}. */
export interface KeypairProps {
  /** Keypair name, unique per user. */
  readonly name: string;
  /**
   * OpenSSH public key text, or `{ file }` read at synth (public keys are not secrets).
   * Required: letting Nova generate the pair would put the private key in Terraform state.
   */
  readonly publicKey: string | { readonly file: string };
  /** Owner, for an admin creating keys for others. @default the provider's user */
  readonly userId?: string;
}

/** A Nova keypair from an existing public key. */
export class Keypair extends Construct implements IKeypair {
  /** A keypair the cloud has (of the credentials' user), by name. */
  static fromName(scope: Construct, id: string, name: string): IKeypair {
    return new ImportedKeypair(scope, id, { name });
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: ComputeKeypairV2;
  /** Name as the cloud knows it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: KeypairProps) {
    super(scope, id);
    this.name = props.name;
    let key = "";
    if (typeof props.publicKey === "string") {
      key = props.publicKey.trim();
    } else {
      try {
        key = fs.readFileSync(props.publicKey.file, "utf8").trim();
      } catch (err) {
        const why = isErrnoException(err) ? describeErrno(err.code) : String(err);
        addProblem(this, `cannot read public key file ${props.publicKey.file}: ${why}`);
      }
    }
    if (key === "") {
      if (typeof props.publicKey === "string") addProblem(this, "publicKey is empty");
    } else if (/PRIVATE KEY/.test(key)) {
      addProblem(this, "publicKey holds a private key; pass the .pub file");
    } else if (!/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-\S+) [A-Za-z0-9+/=]+/.test(key)) {
      addProblem(this, "publicKey is not an OpenSSH public key (ssh-ed25519 AAAA…, ssh-rsa AAAA…)");
    }
    this.resource = new ComputeKeypairV2(this, "keypair", { name: props.name, publicKey: key, userId: props.userId });
  }
}
