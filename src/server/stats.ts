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
  netInputBytes = 0;
  netOutputBytes = 0;
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
  }

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
    this.unexpectedErrorReplies = 0;
    this.errors.clear();
    this.opsSamples = [];
  }
}
