/**
 * Client-library helpers for interop tests: ioredis and node-redis connected to an
 * in-process server, always disconnected afterwards. A client never reconnects, and an error
 * event (a dropped or broken connection) fails the test. Kept apart from helpers.ts so that
 * test files without client tests do not load the npm packages.
 */

import assert from "node:assert/strict";
import { Redis, type RedisOptions } from "ioredis";
import { createClient } from "redis";

/** Runs `fn` with an ioredis client connected to `port` (plus `options`); always disconnects. */
export async function withIoredis(
  port: number,
  fn: (redis: Redis) => Promise<void>,
  options: RedisOptions = {},
): Promise<void> {
  const redis = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    retryStrategy: () => null, // a dropped connection fails the test, not resends its commands
    ...options,
  });
  const errors: string[] = [];
  redis.on("error", (e: Error) => errors.push(e.message));
  await redis.connect();
  try {
    await fn(redis);
    assert.deepEqual(errors, [], "ioredis error events");
  } finally {
    redis.disconnect();
  }
}

function nodeRedisClient(port: number, RESP: 2 | 3) {
  return createClient({ socket: { port, host: "127.0.0.1", reconnectStrategy: false }, RESP });
}

/** A node-redis client as withNodeRedis hands it out (RESP2 or RESP3). */
export type NodeRedisClient = ReturnType<typeof nodeRedisClient>;

/** Runs `fn` with a node-redis client on `port` in RESP2, then in RESP3; each is destroyed. */
export async function withNodeRedis(
  port: number,
  fn: (client: NodeRedisClient, resp: 2 | 3) => Promise<void>,
): Promise<void> {
  for (const RESP of [2, 3] as const) {
    const client = nodeRedisClient(port, RESP);
    const errors: string[] = [];
    client.on("error", (e: Error) => errors.push(e.message));
    await client.connect();
    try {
      await fn(client, RESP);
      assert.deepEqual(errors, [], `node-redis (RESP${RESP}) error events`);
    } finally {
      client.destroy();
    }
  }
}

/** A readable stream of SCAN chunks, as ioredis's scanStream family returns it. */
interface ScanStream {
  on(event: "data", fn: (chunk: string[]) => void): unknown;
  on(event: "end", fn: () => void): unknown;
  on(event: "error", fn: (e: Error) => void): unknown;
}

/**
 * Reads an ioredis scan stream to its end and returns what it yielded: every element, or with
 * `pairs` (HSCAN/ZSCAN chunks) the first of each pair.
 */
export function readScanStream(stream: ScanStream, pairs = false): Promise<Set<string>> {
  const seen = new Set<string>();
  return new Promise((resolve, reject) => {
    stream.on("data", (chunk: string[]) => {
      for (let i = 0; i < chunk.length; i += pairs ? 2 : 1) seen.add(chunk[i]);
    });
    stream.on("end", () => resolve(seen));
    stream.on("error", reject);
  });
}
