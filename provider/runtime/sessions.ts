import { createHash, randomBytes } from "node:crypto";
import type { CimSession } from "../cim";
import type { ConnectionInputs } from "./types";

const salt = randomBytes(16);

/** Names a connection without holding its password: the password only contributes a salted hash. */
function keyOf(connection: ConnectionInputs, settings: unknown): string {
  const { password, ...rest } = connection;
  const secret =
    password === undefined ? "" : createHash("sha256").update(salt).update(password).digest("hex");
  return JSON.stringify([rest, secret, settings]);
}

/**
 * One session per connection for the whole plugin process, shared by every resource that uses it, so that the
 * session's job watcher reads all of their jobs in one request per tick. A session that fails to open is not kept:
 * the next call tries again.
 */
export class SessionCache {
  private readonly sessions = new Map<string, Promise<CimSession>>();

  open(
    connection: ConnectionInputs,
    settings: unknown,
    open: () => Promise<CimSession>,
  ): Promise<CimSession> {
    const key = keyOf(connection, settings);
    let session = this.sessions.get(key);
    if (!session) {
      session = open();
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }
}
