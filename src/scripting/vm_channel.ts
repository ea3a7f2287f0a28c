/**
 * The channel between the server's thread and the Lua VM's worker (vm_worker.ts): a
 * SharedArrayBuffer with two sequence words (one per direction, waited on with Atomics), the
 * kind and length of the message in flight, and a data area for redis.call's argument blocks
 * and replies. What is rarer or larger (the script to run, its result, redis.log, a message
 * that does not fit the area) goes through a MessagePort, read synchronously with
 * receiveMessageOnPort once the sequence word says it is there. Messages strictly alternate:
 * the worker asks, the server answers.
 */

import { type MessagePort, receiveMessageOnPort } from "node:worker_threads";

/** Int32 words: [TO_WORKER] and [TO_SERVER] count messages sent that way. */
export const TO_WORKER = 0;
export const TO_SERVER = 1;
/** The message's kind, and its length in the data area. */
export const KIND = 2;
export const LENGTH = 3;
/** MSG_RUN: how many of its arguments are KEYS. */
export const NUMKEYS = 4;
/** Set to 1 by the worker once its VM is loaded (it then waits for scripts). */
export const READY = 5;
/**
 * The TO_WORKER sequence of the MSG_RUN the worker took last: the script has started (its
 * time counts toward busy-reply-threshold from then on, not while the thread waits for a core).
 */
export const STARTED = 6;
/**
 * Set by the worker with MSG_DONE: 1 when the run's definition failed (the VM out of memory),
 * so the VM does not hold what the server sent it.
 */
export const DEFINE_FAILED = 7;
/** Bytes before the data area. */
export const HEADER_BYTES = 32;
/** Size of the data area: larger messages go through the port. */
export const DATA_BYTES = 256 * 1024;

/** Worker -> server: redis.call's argument block (data area, or the port with VIA_PORT). */
export const MSG_CALL = 1;
/** Worker -> server: redis.pcall's argument block. */
export const MSG_PCALL = 2;
/** Worker -> server: redis.log, { level, message } on the port. */
export const MSG_LOG = 3;
/** Worker -> server: redis.setresp, the protocol in LENGTH. */
export const MSG_SETRESP = 4;
/**
 * Worker -> server: the script ended; its value as the VM encodes it (data area, or the port;
 * LENGTH -1: nil; kind MSG_DONE_VALUE: a decoded value on the port).
 */
export const MSG_DONE = 5;
export const MSG_DONE_VALUE = 9;
/**
 * Server -> worker: run the argument block [control, chunk, ...define's ARGV, ...keys, ...args]
 * (data area or port; see VmThread.start).
 */
export const MSG_RUN = 6;
/** Server -> worker: the reply to a call (data area or port), or an acknowledgement. */
export const MSG_REPLY = 7;
/** Server -> worker: leave the loop (a worker blocked in Atomics.wait ignores terminate). */
export const MSG_QUIT = 8;
/** Or-ed into the kind: the payload is on the port, not in the data area. */
export const VIA_PORT = 0x100;

/** Takes the next message of `port` synchronously (it must be there: the sequence word said so). */
export function takeMessage<T>(port: MessagePort): T {
  return receiveMessageOnPort(port)!.message as T;
}

/**
 * Spins this many reads of a sequence word before sleeping in Atomics.wait: an answer usually
 * comes within microseconds, and waking a sleeping thread costs tens of them.
 */
export const SPIN = 10000;
