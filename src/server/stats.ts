/** Server-wide counters behind INFO stats / errorstats and CONFIG RESETSTAT. */
export class Stats {
  totalCommandsProcessed = 0;
  totalConnectionsReceived = 0;
  rejectedConnections = 0;
  expiredKeys = 0;
  expiredStalePerc = 0;
  expiredTimeCapReachedCount = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  /** Bytes read from and written to clients, replication links left out. */
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Bytes read from our master (RDB and stream) and written to our replicas (RDB and stream). */
  netReplInputBytes = 0;
  netReplOutputBytes = 0;
  /** instantaneous_{input,output}_kbps and their _repl_ forms (bytes per second). */
  readonly netInputRate = new InstantaneousMetric();
  readonly netOutputRate = new InstantaneousMetric();
  readonly netReplInputRate = new InstantaneousMetric();
  readonly netReplOutputRate = new InstantaneousMetric();
  unexpectedErrorReplies = 0;
  /** Error code ("ERR", "WRONGTYPE", ...) -> count, for INFO errorstats. */
  errors = new Map<string, number>();
  /** Samples for instantaneous_ops_per_sec: [time ms, commands] ring. */
  private opsSamples: [number, number][] = [];
  /**
   * Biggest client input / output buffers seen in each of the last 8 seconds
   * (Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS), for INFO client_recent_max_*.
   */
  private peakSecond = [-1, -1, -1, -1, -1, -1, -1, -1];
  private peakInput = [0, 0, 0, 0, 0, 0, 0, 0];
  private peakOutput = [0, 0, 0, 0, 0, 0, 0, 0];

  /** Records one client's query buffer and output buffer sizes at `now` (ms). */
  recordClientBuffers(input: number, output: number, now: number): void {
    const sec = Math.floor(now / 1000);
    const i = sec & 7;
    if (this.peakSecond[i] !== sec) {
      this.peakSecond[i] = sec;
      this.peakInput[i] = 0;
      this.peakOutput[i] = 0;
    }
    if (input > this.peakInput[i]) this.peakInput[i] = input;
    if (output > this.peakOutput[i]) this.peakOutput[i] = output;
  }

  /** Biggest recorded [input, output] client buffers of the last 8 seconds. */
  recentClientBufferPeaks(now: number): [number, number] {
    const sec = Math.floor(now / 1000);
    let input = 0, output = 0;
    for (let i = 0; i < 8; i++) {
      if (sec - this.peakSecond[i] >= 8) continue;
      if (this.peakInput[i] > input) input = this.peakInput[i];
      if (this.peakOutput[i] > output) output = this.peakOutput[i];
    }
    return [input, output];
  }

  /** Counts an error reply by its code, the text before the first space. */
  countError(msg: string): void {
    this.totalErrorReplies++;
    const sp = msg.indexOf(" ");
    const code = sp === -1 ? msg : msg.slice(0, sp);
    // Redis caps distinct codes at 128 to keep the table bounded.
    if (!this.errors.has(code) && this.errors.size >= 128) return;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Called from the cron: records a sample for the instantaneous metrics. */
  sample(now: number): void {
    this.opsSamples.push([now, this.totalCommandsProcessed]);
    if (this.opsSamples.length > 16) this.opsSamples.shift();
    // serverCron's run_with_period(100): the network rates, replication included in the totals.
    const t = performance.now();
    if (t - this.netRateSampled < 100) return;
    this.netRateSampled = t;
    this.netInputRate.track(this.netInputBytes + this.netReplInputBytes, t);
    this.netOutputRate.track(this.netOutputBytes + this.netReplOutputBytes, t);
    this.netReplInputRate.track(this.netReplInputBytes, t);
    this.netReplOutputRate.track(this.netReplOutputBytes, t);
  }
  private netRateSampled = -Infinity;

  /** Commands per second over the recent samples. */
  instantaneousOps(): number {
    const s = this.opsSamples;
    if (s.length < 2) return 0;
    const [t0, c0] = s[0];
    const [t1, c1] = s[s.length - 1];
    return t1 > t0 ? Math.round(((c1 - c0) * 1000) / (t1 - t0)) : 0;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.totalCommandsProcessed = 0;
    this.totalConnectionsReceived = 0;
    this.rejectedConnections = 0;
    this.expiredKeys = 0;
    this.expiredStalePerc = 0;
    this.expiredTimeCapReachedCount = 0;
    this.evictedKeys = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.totalErrorReplies = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.netReplInputBytes = 0;
    this.netReplOutputBytes = 0;
    for (
      const m of [
        this.netInputRate,
        this.netOutputRate,
        this.netReplInputRate,
        this.netReplOutputRate,
      ]
    ) {
      m.reset();
    }
    this.unexpectedErrorReplies = 0;
    this.errors.clear();
    this.opsSamples = [];
  }
}

/** STATS_METRIC_SAMPLES: how many rate samples an instantaneous metric averages. */
const METRIC_SAMPLES = 16;

/**
 * trackInstantaneousMetric / getInstantaneousMetric: the per-second rate
 * between consecutive samples of a counter, averaged over the last 16.
 */
export class InstantaneousMetric {
  private readonly samples = new Array<number>(METRIC_SAMPLES).fill(0);
  private idx = 0;
  private lastTime = -1;
  private lastValue = 0;

  /** Records `value` (a monotonic counter) read at `timeMs` (performance.now()). */
  track(value: number, timeMs: number): void {
    if (this.lastTime >= 0) {
      const dt = timeMs - this.lastTime;
      this.samples[this.idx] = dt > 0 ? Math.trunc((value - this.lastValue) * 1000 / dt) : 0;
      this.idx = (this.idx + 1) % METRIC_SAMPLES;
    }
    this.lastTime = timeMs;
    this.lastValue = value;
  }

  /** The average rate per second (an integer, as Redis's long long). */
  get value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return Math.trunc(sum / METRIC_SAMPLES);
  }

  /** As INFO prints it in KB/s: "%.2f". */
  kbps(): string {
    return (this.value / 1024).toFixed(2);
  }

  reset(): void {
    this.samples.fill(0);
    this.idx = 0;
    this.lastTime = -1;
    this.lastValue = 0;
  }
}
