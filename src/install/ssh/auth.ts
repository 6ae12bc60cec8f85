import * as fs from "node:fs";
import { utils, type AnyAuthMethod, type AuthHandlerMiddleware } from "ssh2";
import type { Endpoint } from "./endpoint";
import type { PasswordSource } from "./password-prompt";

/** What was tried, for the error message when everything fails (never the secrets). */
export interface AuthAttempts {
  readonly tried: string[];
  readonly notTried: string[];
}

/**
 * Builds ssh2's authHandler for an endpoint: ssh-agent ($SSH_AUTH_SOCK) first, then each key
 * file that exists and is not passphrase-protected, then — only when the inventory allows it —
 * a password asked on the terminal.
 */
export function authHandlerFor(
  ep: Endpoint,
  attempts: AuthAttempts,
  options: { agentSocket?: string; passwordSource?: PasswordSource },
): AuthHandlerMiddleware {
  const queue: Array<() => Promise<AnyAuthMethod | undefined>> = [];
  const agent = options.agentSocket;
  if (agent) {
    queue.push(async () => {
      attempts.tried.push("ssh-agent");
      return { type: "agent", username: ep.user, agent };
    });
  }
  for (const file of ep.keyFiles) {
    queue.push(async () => {
      let data: Buffer;
      try {
        data = fs.readFileSync(file);
      } catch {
        return undefined; // a default key file that does not exist is not worth a word
      }
      const parsed = utils.parseKey(data);
      if (parsed instanceof Error) {
        attempts.notTried.push(`${file} (${/passphrase|encrypted/i.test(parsed.message) ? "passphrase-protected: load it into ssh-agent" : parsed.message})`);
        return undefined;
      }
      attempts.tried.push(`key ${file}`);
      return { type: "publickey", username: ep.user, key: Array.isArray(parsed) ? parsed[0] : parsed };
    });
  }
  if (ep.passwordAuth) {
    queue.push(async () => {
      if (!options.passwordSource) {
        attempts.notTried.push("password (no way to ask for it)");
        return undefined;
      }
      let password: string;
      try {
        password = await options.passwordSource(ep.user, ep.hostname);
      } catch (err) {
        attempts.notTried.push(`password (${(err as Error).message})`);
        return undefined;
      }
      attempts.tried.push("password");
      return { type: "password", username: ep.user, password };
    });
  }
  return (_methodsLeft, _partial, next) => {
    const step = async (): Promise<void> => {
      while (queue.length > 0) {
        const method = await queue.shift()!();
        if (method) return next(method);
      }
      next(false as never);
    };
    step().catch(() => next(false as never));
  };
}
