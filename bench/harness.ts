/**
 * What the bench scripts share to run servers: waiting until a fresh server answers PING.
 * (Free ports and retrying connects come from tests/helpers.ts, as the tests use them.)
 */

import { encodeCommand } from "../tests/helpers.ts";

/** Resolves once a server on `port` answers PING with +PONG; throws after 20 s. */
export async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encodeCommand(["PING"]));
      const buf = new Uint8Array(16);
      const n = await conn.read(buf);
      conn.close();
      if (n && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG")) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not answer PING`);
}
