/**
 * The floor for a Deno RESP server: the smallest honest read / parse / reply
 * loop, to tell how much of a pipelined command's CPU time is Deno's I/O (the
 * async read and write ops, their promises) and how much is the server's own
 * work. Per connection it reads into one buffer, counts the complete RESP
 * commands in it (multibulk or inline, split anywhere across reads), and answers
 * them all with one write: `+PONG` to a command whose name starts with P, a
 * fixed 3-byte bulk to any other. Nothing is parsed into arguments, looked up,
 * timed or stored.
 *
 *   deno run -A bench/minimal_loop.ts [--port N] [other redis-server options, ignored]
 *
 * `bench/cpu_per_request.ts --server minimal` runs it next to redis-server and
 * main.ts.
 */

const PONG = new TextEncoder().encode("+PONG\r\n");
const BULK = new TextEncoder().encode("$3\r\nxxx\r\n");

let port = 6379;
for (let i = 0; i + 1 < Deno.args.length; i++) {
  if (Deno.args[i] === "--port") port = Number(Deno.args[i + 1]);
}

/**
 * Scanner state carried across reads: where the next command starts and what
 * is left of the current one. Only counts; the reply of a command is chosen by
 * the first byte of its name.
 */
class Counter {
  /** Arguments still to come of the current multibulk command (0: between commands). */
  args = 0;
  /** Bytes of the current bulk still to skip, its CRLF included (-1: at a `$` line). */
  bulk = -1;
  /** First byte of the current command's name (0 until seen). */
  first = 0;

  /**
   * Scans buf[from, end), appending one reply per complete command to `out`.
   * Returns where the unscanned bytes (an incomplete line) start.
   */
  scan(buf: Uint8Array, from: number, end: number, out: Reply): number {
    let p = from;
    while (p < end) {
      if (this.args === 0) {
        const nl = buf.indexOf(10, p);
        if (nl === -1 || nl >= end) return p;
        if (buf[p] === 42 /* * */) {
          this.args = decimal(buf, p + 1, nl - 1);
          this.bulk = -1;
          this.first = 0;
        } else if (nl - p > 1) {
          out.add(buf[p]); // inline command
        }
        p = nl + 1;
        continue;
      }
      if (this.bulk === -1) {
        const nl = buf.indexOf(10, p);
        if (nl === -1 || nl >= end) return p;
        this.bulk = decimal(buf, p + 1, nl - 1) + 2;
        p = nl + 1;
      }
      if (this.first === 0 && p < end) this.first = buf[p];
      const take = Math.min(this.bulk, end - p);
      this.bulk -= take;
      p += take;
      if (this.bulk > 0) return p;
      this.bulk = -1;
      if (--this.args === 0) out.add(this.first);
    }
    return p;
  }
}

function decimal(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + buf[i] - 48;
  return n;
}

/** The replies of one read, written with one write. */
class Reply {
  buf = new Uint8Array(16 * 1024);
  len = 0;

  add(first: number): void {
    const r = (first | 0x20) === 112 /* p */ ? PONG : BULK;
    if (this.len + r.length > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(r, this.len);
    this.len += r.length;
  }
}

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  let buf = new Uint8Array(16 * 1024);
  let start = 0; // unscanned bytes start here
  let end = 0;
  const counter = new Counter();
  const reply = new Reply();
  try {
    while (true) {
      if (end === buf.length) {
        if (start > 0) {
          buf.copyWithin(0, start, end);
          end -= start;
          start = 0;
        } else {
          const next = new Uint8Array(buf.length * 2);
          next.set(buf);
          buf = next;
        }
      }
      const n = await conn.read(buf.subarray(end));
      if (n === null) break;
      end += n;
      start = counter.scan(buf, start, end, reply);
      if (start === end) start = end = 0;
      if (reply.len > 0) {
        let off = 0;
        while (off < reply.len) off += await conn.write(reply.buf.subarray(off, reply.len));
        reply.len = 0;
      }
    }
  } catch {
    // reset by peer
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

// Exit through Deno.exit so that a `--cpu-prof` profile is written.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
const listener = Deno.listen({ hostname: "127.0.0.1", port });
for await (const conn of listener) serve(conn);
