/**
 * `secretPassword`: the connection as the program's SDK serializes it into the resource's inputs. Only the password
 * is secret (the engine encrypts it, and shows the host and user in diffs), whether the connection came field by
 * field or as one Output; a connection that was secret as a whole stays secret field by field.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectionArgs } from "../../provider/resources/shared";
import { secretPassword } from "../../provider/resources/shared";

/** The SDK's marker for a secret value in serialized properties (sdk/nodejs/runtime/rpc.ts). */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

async function serialized(connection: pulumi.Input<ConnectionArgs>) {
  const props = await pulumi.runtime.serializeProperties("test", { connection });
  return props.connection as Record<string, unknown>;
}

describe("secretPassword", () => {
  beforeAll(async () => {
    // Mocks make the SDK serialize as it does for a monitor that supports secrets.
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
      "dr",
      "dev",
      false,
    );
  });

  const plain: ConnectionArgs & Record<string, string> = {
    transport: "wsman",
    host: "hv-replica01",
    username: "CONTOSO\\dr",
    password: "P@ss",
  };

  it("a connection given field by field: only the password is secret", async () => {
    expect(await serialized(secretPassword(plain))).toEqual({ ...plain, password: secret("P@ss") });
  });

  it("a connection given as one Output: split into its fields, only the password secret", async () => {
    expect(await serialized(secretPassword(pulumi.output(plain)))).toEqual({
      ...plain,
      password: secret("P@ss"),
    });
  });

  it("a connection the program made secret as a whole stays secret as a whole", async () => {
    expect(await serialized(secretPassword(pulumi.secret(plain)))).toEqual(secret(plain));
  });

  it("a connection without a password is left as it is", async () => {
    const { password: _, ...rest } = plain;
    expect(await serialized(secretPassword(rest))).toEqual(rest);
  });
});
