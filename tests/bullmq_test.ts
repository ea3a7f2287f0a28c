// Acceptance: BullMQ (its Lua scripts through ioredis) runs the same scenario against our
// server and against the reference server, and every job ends in the same state. The
// scenario covers several workers, delayed jobs, retries with exponential backoff, repeatable
// jobs, rate limiting, priorities, flows (parent/child) and removal; it is bounded to a few
// seconds and only compares what does not depend on timing (states, values, attempts, the
// order a single worker takes prioritized jobs in).

import assert from "node:assert/strict";
import { FlowProducer, type Job, Queue, Worker } from "bullmq";
import { withServer } from "./helpers.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";

/** What a job ended as. */
interface Outcome {
  state: string;
  returnvalue: unknown;
  attemptsMade: number;
  failedReason?: string;
}

/** Resolves when `pred()` holds (checked every 20 ms), fails after `ms`. */
async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function outcome(job: Job | undefined): Promise<Outcome | null> {
  if (job === undefined) return null;
  const state = await job.getState();
  const out: Outcome = { state, returnvalue: job.returnvalue, attemptsMade: job.attemptsMade };
  if (job.failedReason) out.failedReason = job.failedReason;
  return out;
}

/** Runs the scenario against the server on `port`; returns everything it observed. */
async function scenario(port: number): Promise<Record<string, unknown>> {
  const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
  const result: Record<string, unknown> = {};
  const closers: (() => Promise<unknown>)[] = [];
  try {
    // 1. Several workers, retries with exponential backoff, a job that keeps failing, a
    // delayed job, and removal.
    const q = new Queue("main", { connection });
    closers.push(() => q.close());
    await q.obliterate({ force: true });
    const tries = new Map<string, number>();
    const processed: string[] = [];
    const workers = [1, 2, 3].map(() => {
      const w = new Worker(
        "main",
        async (job) => {
          await Promise.resolve();
          const n = (tries.get(job.name) ?? 0) + 1;
          tries.set(job.name, n);
          if (job.name === "flaky" && n < 3) throw new Error(`flaky attempt ${n}`);
          if (job.name === "broken") throw new Error("always broken");
          processed.push(job.name);
          return { doubled: (job.data.n as number) * 2 };
        },
        { connection, concurrency: 2 },
      );
      closers.push(() => w.close());
      return w;
    });
    const jobs: Job[] = [];
    for (let i = 0; i < 10; i++) jobs.push(await q.add(`plain${i}`, { n: i }));
    jobs.push(
      await q.add("flaky", { n: 100 }, {
        attempts: 4,
        backoff: { type: "exponential", delay: 30 },
      }),
    );
    jobs.push(
      await q.add("broken", { n: 0 }, { attempts: 2, backoff: { type: "exponential", delay: 20 } }),
    );
    jobs.push(await q.add("delayed", { n: 7 }, { delay: 300 }));
    const removed = await q.add("removed", { n: 1 }, { delay: 5000 });
    await removed.remove();
    result.removedState = await q.getJobState(removed.id!);
    const byName = async () => {
      const out: Record<string, Outcome | null> = {};
      for (const j of jobs) out[j.name] = await outcome(await q.getJob(j.id!));
      return out;
    };
    await until(
      async () => {
        const states = Object.values(await byName()).map((o) => o?.state);
        return states.every((s) => s === "completed" || s === "failed");
      },
      8000,
      "the main queue's jobs",
    );
    result.main = await byName();
    result.counts = await q.getJobCounts("completed", "failed", "delayed", "wait", "active");
    result.flakyTries = tries.get("flaky");
    for (const w of workers) await w.close();

    // 2. Priorities: queued with no worker, then one worker takes them one at a time.
    const pq = new Queue("prio", { connection });
    closers.push(() => pq.close());
    await pq.obliterate({ force: true });
    for (const [name, priority] of [["p5", 5], ["p1", 1], ["none", 0], ["p3", 3], ["p1b", 1]]) {
      await pq.add(name as string, {}, priority ? { priority: priority as number } : {});
    }
    const order: string[] = [];
    const pw = new Worker("prio", (job) => Promise.resolve(void order.push(job.name)), {
      connection,
      concurrency: 1,
    });
    closers.push(() => pw.close());
    await until(() => order.length === 5, 5000, "the prioritized jobs");
    result.priorityOrder = order;
    await pw.close();

    // 3. Rate limiting: at most 2 jobs per 150 ms.
    const rq = new Queue("rate", { connection });
    closers.push(() => rq.close());
    await rq.obliterate({ force: true });
    const times: number[] = [];
    const rw = new Worker("rate", () => Promise.resolve(void times.push(Date.now())), {
      connection,
      concurrency: 4,
      limiter: { max: 2, duration: 150 },
    });
    closers.push(() => rw.close());
    for (let i = 0; i < 5; i++) await rq.add(`r${i}`, {});
    await until(() => times.length === 5, 5000, "the rate-limited jobs");
    // Five jobs at two per window need at least two full windows.
    result.rateLimited = times[4] - times[0] >= 290;
    result.rateCounts = await rq.getJobCounts("completed");
    await rw.close();

    // 4. A repeatable job: every 100 ms, three times.
    const sq = new Queue("repeat", { connection });
    closers.push(() => sq.close());
    await sq.obliterate({ force: true });
    let repeats = 0;
    const sw = new Worker("repeat", () => Promise.resolve(void repeats++), { connection });
    closers.push(() => sw.close());
    await sq.upsertJobScheduler("tick", { every: 100, limit: 3 }, { name: "tick" });
    await until(() => repeats === 3, 5000, "the repeatable job");
    await new Promise((r) => setTimeout(r, 250)); // no fourth run
    result.repeats = repeats;
    result.repeatCompleted = (await sq.getJobCounts("completed")).completed;
    await sw.close();

    // 5. A flow: the parent runs after its children and sees their values.
    const flow = new FlowProducer({ connection });
    closers.push(() => flow.close());
    const fq = new Queue("flow", { connection });
    closers.push(() => fq.close());
    await fq.obliterate({ force: true });
    let parentSaw: unknown = null;
    const fw = new Worker("flow", async (job) => {
      if (job.name === "parent") {
        const values = await job.getChildrenValues();
        parentSaw = Object.values(values).sort();
        return "parent-done";
      }
      return `child-${job.data.i}`;
    }, { connection });
    closers.push(() => fw.close());
    const tree = await flow.add({
      name: "parent",
      queueName: "flow",
      children: [
        { name: "c1", queueName: "flow", data: { i: 1 } },
        { name: "c2", queueName: "flow", data: { i: 2 } },
      ],
    });
    await until(async () => (await tree.job.getState()) === "completed", 5000, "the flow");
    result.flowParent = await outcome(await fq.getJob(tree.job.id!));
    result.flowChildren = await Promise.all(
      tree.children!.map(async (c) => await outcome(await fq.getJob(c.job.id!))),
    );
    result.parentSaw = parentSaw;
    await fw.close();
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
  return result;
}

Deno.test({
  name: "bullmq: every job ends in the same state as against the reference server",
  ignore: !HAS_REFERENCE,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let theirs: Record<string, unknown> = {};
    await withReference(async (port) => {
      theirs = await scenario(port);
    });
    let ours: Record<string, unknown> = {};
    const errors: string[] = [];
    await withServer({}, async (srv) => {
      const warn = srv.server.log.warning.bind(srv.server.log);
      srv.server.log.warning = (msg: string) => {
        errors.push(msg);
        warn(msg);
      };
      ours = await scenario(srv.port);
    });
    // Precondition: the scenario ran to its end on the reference.
    assert.equal((theirs.main as Record<string, Outcome>)?.flaky?.state, "completed");
    if (Deno.env.get("BULLMQ_DEBUG")) console.log(JSON.stringify(ours));
    assert.deepEqual(ours, theirs);
    assert.deepEqual(errors, []);
  },
});
