/**
 * The Lua VM's thread. It runs one script at a time for the server's thread and blocks
 * (Atomics.wait) on every redis.call until the server answers, so the script sees the dataset
 * exactly as if it ran on the server's thread. SCRIPT KILL terminates this worker (the VM
 * offers no way to interrupt a running chunk); the server starts a new one for the next script.
 */

import { type MessagePort, workerData } from "node:worker_threads";
import type { ScriptHost } from "./engine.ts";
import {
  DATA_BYTES,
  HEADER_BYTES,
  KIND,
  LENGTH,
  MSG_CALL,
  MSG_DONE,
  MSG_LOG,
  MSG_PCALL,
  MSG_QUIT,
  MSG_RUN,
  MSG_SETRESP,
  takeMessage,
  TO_SERVER,
  TO_WORKER,
  VIA_PORT,
} from "./vm_channel.ts";

const { sab, port } = workerData as { sab: SharedArrayBuffer; port: MessagePort };
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

  for (;;) {
    const kind = receive();
    if (kind === MSG_QUIT) break;
    if (kind !== (MSG_RUN | VIA_PORT)) continue;
    const job = takeMessage<{ source: Uint8Array; keys: Uint8Array[]; args: Uint8Array[] }>(
      port,
    );
    let result;
    try {
      if (typeof engine === "string") throw engine;
      result = engine.runLua(host, job.source, job.keys, job.args);
    } catch (err) {
      result = { err: new TextEncoder().encode(String(err)) };
    }
    port.postMessage(result);
    Atomics.store(ctl, KIND, MSG_DONE | VIA_PORT);
    Atomics.add(ctl, TO_SERVER, 1);
    Atomics.notify(ctl, TO_SERVER);
  }
  port.close();
}
