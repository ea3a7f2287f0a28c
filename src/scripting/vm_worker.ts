/**
 * The Lua VM's thread. It runs one script at a time for the server's thread and blocks
 * (Atomics.wait) on every redis.call until the server answers, so the script sees the dataset
 * exactly as if it ran on the server's thread. SCRIPT KILL terminates this worker (the VM
 * offers no way to interrupt a running chunk); the server starts a new one for the next script.
 */

import { type MessagePort, workerData } from "node:worker_threads";
import type { ReplyValue, ScriptHost } from "./engine.ts";
import { decodeArgBlock } from "./wire.ts";
import {
  DATA_BYTES,
  DEFINE_FAILED,
  HEADER_BYTES,
  KIND,
  LENGTH,
  MSG_CALL,
  MSG_DONE,
  MSG_DONE_VALUE,
  MSG_LOG,
  MSG_PCALL,
  MSG_QUIT,
  MSG_RUN,
  MSG_SETRESP,
  NUMKEYS,
  READY,
  SPIN,
  STARTED,
  takeMessage,
  TO_SERVER,
  TO_WORKER,
  VIA_PORT,
} from "./vm_channel.ts";

const { sab, port } = workerData as { sab: SharedArrayBuffer; port: MessagePort };
/** What the worker runs once before its first script (a compile, a table, a string result). */
const WARM_UP = new TextEncoder().encode(
  "local t = {} for i = 1, 100 do t[i] = tostring(i) end return table.concat(t, ',')",
);
// The server waits for this worker without a timeout: a VM that cannot load still answers
// (every script gets the error).
let engine: typeof import("./engine.ts") | string;
try {
  engine = await import("./engine.ts");
  engine.unlimitedFuel();
} catch (e) {
  engine = `ERR the Lua VM could not be loaded: ${e instanceof Error ? e.message : e}`;
}
{
  const ctl = new Int32Array(sab, 0, HEADER_BYTES / 4);
  const data = new Uint8Array(sab, HEADER_BYTES, DATA_BYTES);
  let seen = 0;

  /** Sends a message to the server and waits for its answer; returns the answer's kind. */
  const send = (kind: number, length: number): number => {
    Atomics.store(ctl, KIND, kind);
    Atomics.store(ctl, LENGTH, length);
    Atomics.add(ctl, TO_SERVER, 1);
    Atomics.notify(ctl, TO_SERVER);
    return receive();
  };
  const receive = (): number => {
    for (let i = 0; i < SPIN && Atomics.load(ctl, TO_WORKER) === seen; i++);
    while (Atomics.load(ctl, TO_WORKER) === seen) Atomics.wait(ctl, TO_WORKER, seen);
    seen = Atomics.load(ctl, TO_WORKER);
    return Atomics.load(ctl, KIND);
  };

  if (typeof engine !== "string") {
    engine.forwardCalls((block, raise) => {
      const kind = raise ? MSG_CALL : MSG_PCALL;
      let reply: number;
      if (block.length <= DATA_BYTES) {
        data.set(block);
        reply = send(kind, block.length);
      } else {
        port.postMessage(block.slice());
        reply = send(kind | VIA_PORT, 0);
      }
      if (reply & VIA_PORT) return takeMessage<Uint8Array>(port);
      return data.subarray(0, Atomics.load(ctl, LENGTH));
    });
  }

  const host: ScriptHost = {
    call: () => "ERR no script is running", // redis.call is forwarded above
    log(level, message) {
      port.postMessage({ level, message: message.slice() });
      send(MSG_LOG | VIA_PORT, 0);
    },
    setResp(resp) {
      send(MSG_SETRESP, resp);
    },
  };

  if (typeof engine !== "string") {
    // One script before saying READY: the VM's code is compiled on its first use (tens of ms
    // on a loaded machine), which is not the first real script's time; and the table of
    // compiled functions set up.
    engine.runLuaWire(host, WARM_UP, [], []);
    engine.compileOnce();
  }
  Atomics.store(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  for (;;) {
    const kind = receive();
    if (kind === MSG_QUIT) break;
    if ((kind & ~VIA_PORT) !== MSG_RUN) continue;
    Atomics.store(ctl, STARTED, seen);
    // One copy: redis.call's replies reuse the data area while the script runs.
    const block = kind & VIA_PORT
      ? takeMessage<Uint8Array>(port)
      : data.slice(0, Atomics.load(ctl, LENGTH));
    // [control, chunk, ...define's ARGV, ...KEYS, ...ARGV] (VmThread.start).
    const argv = decodeArgBlock(block);
    const numkeys = Atomics.load(ctl, NUMKEYS);
    const control = new DataView(argv[0].buffer, argv[0].byteOffset, argv[0].byteLength);
    const id = control.getUint32(0, true);
    const ndefine = control.getUint32(4, true);
    const drops: number[] = [];
    for (let at = 8; at < argv[0].length; at += 4) drops.push(control.getUint32(at, true));
    const keysAt = 2 + ndefine;
    let result: Uint8Array | null | ReplyValue;
    try {
      if (typeof engine === "string") throw engine;
      result = engine.runInWorker(
        host,
        drops,
        argv[1].length === 0 ? null : argv[1],
        argv.slice(2, keysAt),
        id,
        argv.slice(keysAt, keysAt + numkeys),
        argv.slice(keysAt + numkeys),
      );
    } catch (err) {
      result = { err: new TextEncoder().encode(String(err)) } as ReplyValue;
    }
    let done = MSG_DONE, length = -1;
    if (result instanceof Uint8Array && result.length <= DATA_BYTES) {
      data.set(result);
      length = result.length;
    } else if (result !== null) {
      port.postMessage(result);
      done = result instanceof Uint8Array ? MSG_DONE | VIA_PORT : MSG_DONE_VALUE;
    }
    Atomics.store(
      ctl,
      DEFINE_FAILED,
      typeof engine !== "string" && engine.lastDefineFailed() ? 1 : 0,
    );
    Atomics.store(ctl, KIND, done);
    Atomics.store(ctl, LENGTH, length);
    Atomics.add(ctl, TO_SERVER, 1);
    Atomics.notify(ctl, TO_SERVER);
  }
  port.close();
}
