/**
 * The INFO text (Redis 7.2's genRedisInfoString): sections, field names and
 * order as Redis 7.2 prints them. Values Deno cannot know (fork, COW, allocator
 * internals) are reported as an idle Redis reports them; installed subsystems
 * (persistence, replication, pub/sub, scripting, ACL) refine their sections'
 * fields through their `info` hook.
 */

import { scriptingOf } from "../scripting/scripting.ts";
import process from "node:process";
import type { Command } from "../server/command_table.ts";
import { type Server, usedMemory } from "../server/server.ts";
import type { InfoField } from "../server/subsystem.ts";
import { REDIS_VERSION } from "../version.ts";
import { loadStatsOf } from "../persistence/load_stats.ts";

export type { InfoField };

/** Section names as INFO accepts them, in output order. */
export const INFO_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "commandstats",
  "errorstats",
  "latencystats",
  "cluster",
  "keyspace",
] as const;

/** What INFO without arguments (or `INFO default`) prints. */
const DEFAULT_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "module_list",
  "errorstats",
  "cluster",
  "keyspace",
];

const HEADERS: Record<string, string> = {
  server: "Server",
  clients: "Clients",
  memory: "Memory",
  persistence: "Persistence",
  stats: "Stats",
  replication: "Replication",
  cpu: "CPU",
  modules: "Modules",
  commandstats: "Commandstats",
  errorstats: "Errorstats",
  latencystats: "Latencystats",
  cluster: "Cluster",
  keyspace: "Keyspace",
};

/** Replaces the value of `name` in `fields`, or appends the field when missing. */
export function setInfoField(fields: InfoField[], name: string, value: string | number): void {
  const f = fields.find((x) => x[0] === name);
  if (f) f[1] = value;
  else fields.push([name, value]);
}

/** CONFIG RESETSTAT's part of INFO: the peak memory restarts from the current usage. */
export function resetInfoStats(server: Server): void {
  server.peakMemory = usedMemory();
}

/**
 * Builds the INFO reply text for the requested section arguments (case
 * insensitive; "default", "all", "everything" as in genInfoSectionDict).
 * Unknown sections print nothing.
 */
export function genInfoString(server: Server, args: string[]): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) {
    for (const s of DEFAULT_SECTIONS) wanted.add(s);
  }
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === "default") { for (const s of DEFAULT_SECTIONS) wanted.add(s); }
    else if (a === "all" || a === "everything") all = true;
    else wanted.add(a);
  }
  for (const s of server.subsystems) s.settleOutput?.();
  const parts: string[] = [];
  for (const section of INFO_SECTIONS) {
    const on = all || wanted.has(section) ||
      (section === "modules" && wanted.has("module_list"));
    if (!on) continue;
    const fields = sectionFields(server, section);
    for (const s of server.subsystems) s.info?.(section, fields);
    let text = `# ${HEADERS[section]}\r\n`;
    for (const [k, v] of fields) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join("\r\n");
}

function sectionFields(server: Server, section: string): InfoField[] {
  switch (section) {
    case "server":
      return serverFields(server);
    case "clients":
      return clientsFields(server);
    case "memory":
      return memoryFields(server);
    case "persistence":
      return persistenceFields(server);
    case "stats":
      return statsFields(server);
    case "replication":
      return replicationFields(server);
    case "cpu":
      return cpuFields();
    case "commandstats":
      return commandStatsFields(server);
    case "errorstats":
      return errorStatsFields(server);
    case "cluster":
      return [["cluster_enabled", 0]];
    case "keyspace":
      return keyspaceFields(server);
    default:
      return []; // modules, latencystats: nothing tracked
  }
}

// ---------------------------------------------------------------------------------------------
// Sections

function serverFields(server: Server): InfoField[] {
  const cfg = server.config;
  const now = Date.now();
  const uptime = Math.floor((now - server.startTime) / 1000);
  const os = osInfo();
  const fields: InfoField[] = [
    ["redis_version", REDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", BUILD_ID],
    ["redis_mode", "standalone"],
    ["os", os],
    ["arch_bits", 64],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", MULTIPLEXING_API],
    ["atomicvar_api", "c11-builtin"],
    ["gcc_version", "0.0.0"],
    ["process_id", Deno.pid],
    ["process_supervised", "no"],
    ["run_id", server.runId],
    ["tcp_port", server.port],
    ["server_time_usec", Math.floor((performance.timeOrigin + performance.now()) * 1000)],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", cfg.hz],
    ["configured_hz", cfg.hz],
    ["lru_clock", Math.floor(now / 1000) & 0xffffff],
    ["executable", executablePath()],
    ["config_file", cfg.configFile ?? ""],
    ["io_threads_active", 0],
  ];
  let listener = "name=tcp";
  for (const b of cfg.bind) listener += `,bind=${b}`;
  fields.push(["listener0", `${listener},port=${server.port}`]);
  return fields;
}

function clientsFields(server: Server): InfoField[] {
  let [maxIn, maxOut] = server.stats.recentClientBufferPeaks(server.clock.now());
  let connected = 0, inTimeout = 0;
  const blockingKeys = new Set<string>();
  for (const c of server.clients.values()) {
    if (c.kind !== "replica") connected++;
    if (c.queryBufferBytes > maxIn) maxIn = c.queryBufferBytes;
    if (c.outputBufferMemory > maxOut) maxOut = c.outputBufferMemory;
    if (c.blocked !== null) {
      if (c.blocked.deadline > 0) inTimeout++;
      for (const k of c.blocked.keys) blockingKeys.add(c.blocked.db.id + "\0" + k);
    }
  }
  return [
    ["connected_clients", connected],
    ["cluster_connections", 0],
    ["maxclients", server.config.maxclients],
    ["client_recent_max_input_buffer", maxIn],
    ["client_recent_max_output_buffer", maxOut],
    ["blocked_clients", server.blocking.blockedClients],
    ["tracking_clients", 0],
    ["clients_in_timeout_table", inTimeout],
    ["total_blocking_keys", blockingKeys.size],
    ["total_blocking_keys_on_nokey", 0],
  ];
}

function memoryFields(server: Server): InfoField[] {
  const mem = Deno.memoryUsage();
  const used = mem.heapUsed + mem.external;
  const active = mem.heapTotal + mem.external;
  const rss = mem.rss;
  if (used > server.peakMemory) server.peakMemory = used;
  const peak = server.peakMemory;
  const startup = Math.min(server.startupMemory, used);
  let clientsNormal = 0;
  for (const c of server.clients.values()) clientsNormal += c.reply.buf.length;
  // The dataset is the keyspace's own estimate (src/store/size.ts); the rest of what is used,
  // garbage not yet collected included, is overhead.
  const dataset = Math.min(server.keyspace.totalBytes(), used);
  const overhead = used - dataset;
  const netUsage = used > startup ? used - startup : 1;
  const totalSystem = systemMemory();
  const maxmemory = server.config.maxmemory;
  const lua = 31744, functionsVm = 33792;
  const scripting = scriptingOf(server).memoryInfo();
  // An idle Redis counts 200 bytes of function-library overhead.
  const functionsMem = 200 + scripting.functionsMemory;
  const scriptsMem = scripting.scriptsMemory + functionsMem;
  return [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", rss],
    ["used_memory_rss_human", bytesToHuman(rss)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", bytesToHuman(peak)],
    ["used_memory_peak_perc", `${fixed2((used * 100) / peak)}%`],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", startup],
    ["used_memory_dataset", dataset],
    ["used_memory_dataset_perc", `${fixed2((dataset * 100) / netUsage)}%`],
    ["allocator_allocated", used],
    ["allocator_active", active],
    ["allocator_resident", rss],
    ["total_system_memory", totalSystem],
    ["total_system_memory_human", bytesToHuman(totalSystem)],
    ["used_memory_lua", lua],
    ["used_memory_vm_eval", lua],
    ["used_memory_lua_human", bytesToHuman(lua)],
    ["used_memory_scripts_eval", scripting.scriptsMemory],
    ["number_of_cached_scripts", scripting.cachedScripts],
    ["number_of_functions", scripting.functions],
    ["number_of_libraries", scripting.libraries],
    ["used_memory_vm_functions", functionsVm],
    ["used_memory_vm_total", functionsVm + lua],
    ["used_memory_vm_total_human", bytesToHuman(functionsVm + lua)],
    ["used_memory_functions", functionsMem],
    ["used_memory_scripts", scriptsMem],
    ["used_memory_scripts_human", bytesToHuman(scriptsMem)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", server.config.maxmemoryPolicy],
    ["allocator_frag_ratio", fixed2(active / used)],
    ["allocator_frag_bytes", active - used],
    ["allocator_rss_ratio", fixed2(rss / active)],
    ["allocator_rss_bytes", rss - active],
    ["rss_overhead_ratio", "1.00"],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", fixed2(rss / used)],
    ["mem_fragmentation_bytes", rss - used],
    ["mem_not_counted_for_evict", 0],
    ["mem_replication_backlog", 0],
    ["mem_total_replication_buffers", 0],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", clientsNormal],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", 0],
    ["mem_allocator", "libc"],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ];
}

function persistenceFields(server: Server): InfoField[] {
  const aof = server.config.appendonly;
  const fields: InfoField[] = [
    ["loading", server.loading ? 1 : 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", server.dirty],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", server.lastSave],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_last_bgsave_time_sec", -1],
    ["rdb_current_bgsave_time_sec", -1],
    ["rdb_saves", 0],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", loadStatsOf(server).keysExpired],
    ["rdb_last_load_keys_loaded", loadStatsOf(server).keysLoaded],
    ["aof_enabled", aof ? 1 : 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", "ok"],
    ["aof_rewrites", 0],
    ["aof_rewrites_consecutive_failures", 0],
    ["aof_last_write_status", "ok"],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
  if (aof) {
    fields.push(
      ["aof_current_size", 0],
      ["aof_base_size", 0],
      ["aof_pending_rewrite", 0],
      ["aof_buffer_length", 0],
      ["aof_pending_bio_fsync", 0],
      ["aof_delayed_fsync", 0],
    );
  }
  if (server.loading) fields.push(...loadStatsOf(server).infoFields(Date.now()));
  return fields;
}

function statsFields(server: Server): InfoField[] {
  const s = server.stats;
  const channels = new Set<string>();
  const patterns = new Set<string>();
  for (const c of server.clients.values()) {
    for (const ch of c.channels) channels.add(ch);
    for (const p of c.patterns) patterns.add(p);
  }
  return [
    ["total_connections_received", s.totalConnectionsReceived],
    ["total_commands_processed", s.totalCommandsProcessed],
    ["instantaneous_ops_per_sec", s.instantaneousOps()],
    // The totals include the replication links' bytes, as Redis's do.
    ["total_net_input_bytes", s.netInputBytes + s.netReplInputBytes],
    ["total_net_output_bytes", s.netOutputBytes + s.netReplOutputBytes],
    ["total_net_repl_input_bytes", s.netReplInputBytes],
    ["total_net_repl_output_bytes", s.netReplOutputBytes],
    ["instantaneous_input_kbps", s.netInputRate.kbps()],
    ["instantaneous_output_kbps", s.netOutputRate.kbps()],
    ["instantaneous_input_repl_kbps", s.netReplInputRate.kbps()],
    ["instantaneous_output_repl_kbps", s.netReplOutputRate.kbps()],
    ["rejected_connections", s.rejectedConnections],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_keys", s.expiredKeys],
    ["expired_stale_perc", fixed2(s.expiredStalePerc * 100)],
    ["expired_time_cap_reached_count", s.expiredTimeCapReachedCount],
    ["expire_cycle_cpu_milliseconds", 0],
    ["evicted_keys", s.evictedKeys],
    ["evicted_clients", 0],
    ["total_eviction_exceeded_time", 0],
    ["current_eviction_exceeded_time", 0],
    ["keyspace_hits", s.keyspaceHits],
    ["keyspace_misses", s.keyspaceMisses],
    ["pubsub_channels", channels.size],
    ["pubsub_patterns", patterns.size],
    ["pubsubshard_channels", 0],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", 0],
    ["tracking_total_items", 0],
    ["tracking_total_prefixes", 0],
    ["unexpected_error_replies", s.unexpectedErrorReplies],
    ["total_error_replies", s.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", 0],
    ["total_writes_processed", 0],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
    ["eventloop_cycles", 0],
    ["eventloop_duration_sum", 0],
    ["eventloop_duration_cmd_sum", 0],
    ["instantaneous_eventloop_cycles_per_sec", 0],
    ["instantaneous_eventloop_duration_usec", 0],
    ["acl_access_denied_auth", 0],
    ["acl_access_denied_cmd", 0],
    ["acl_access_denied_key", 0],
    ["acl_access_denied_channel", 0],
  ];
}

function replicationFields(server: Server): InfoField[] {
  const r = server.repl;
  const cfg = server.config;
  const fields: InfoField[] = [["role", r.role]];
  if (r.role === "slave") {
    const up = r.linkStatus === "up";
    fields.push(
      ["master_host", r.masterHost],
      ["master_port", r.masterPort],
      ["master_link_status", r.linkStatus],
      ["master_last_io_seconds_ago", up ? 0 : -1],
      ["master_sync_in_progress", 0],
      ["slave_read_repl_offset", r.offset],
      ["slave_repl_offset", r.offset],
    );
    if (!up) fields.push(["master_link_down_since_seconds", -1]);
    fields.push(
      ["slave_priority", cfg.replicaPriority],
      ["slave_read_only", cfg.replicaReadOnly ? 1 : 0],
      ["replica_announced", cfg.replicaAnnounced ? 1 : 0],
    );
  }
  let replicas = 0;
  for (const c of server.clients.values()) if (c.kind === "replica") replicas++;
  fields.push(["connected_slaves", replicas]);
  if (cfg.minReplicasToWrite > 0 && cfg.minReplicasMaxLag > 0) {
    fields.push(["min_slaves_good_slaves", replicas]);
  }
  fields.push(
    ["master_failover_state", "no-failover"],
    ["master_replid", r.replid],
    ["master_replid2", r.replid2],
    ["master_repl_offset", r.offset],
    ["second_repl_offset", r.secondReplidOffset],
    ["repl_backlog_active", r.backlogActive ? 1 : 0],
    ["repl_backlog_size", cfg.replBacklogSize],
    ["repl_backlog_first_byte_offset", r.backlogActive ? r.backlogFirstByteOffset : 0],
    ["repl_backlog_histlen", r.backlogActive ? r.backlogHistlen : 0],
  );
  return fields;
}

function cpuFields(): InfoField[] {
  const u = process.cpuUsage();
  const sys = cpuSeconds(u.system);
  const user = cpuSeconds(u.user);
  return [
    ["used_cpu_sys", sys],
    ["used_cpu_user", user],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", sys],
    ["used_cpu_user_main_thread", user],
  ];
}

function commandStatsFields(server: Server): InfoField[] {
  const fields: InfoField[] = [];
  const visit = (cmd: Command) => {
    const st = cmd.stats;
    if (st.calls || st.failedCalls || st.rejectedCalls) {
      const perCall = st.calls === 0 ? 0 : st.usec / st.calls;
      fields.push([
        `cmdstat_${safeInfoString(cmd.fullName)}`,
        `calls=${st.calls},usec=${st.usec},usec_per_call=${
          fixed2(perCall)
        },rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`,
      ]);
    }
    if (cmd.subs) { for (const sub of cmd.subs.values()) visit(sub); }
  };
  for (const cmd of server.commands.all()) visit(cmd);
  return fields;
}

function errorStatsFields(server: Server): InfoField[] {
  // Redis keeps them in a rax: byte order.
  const codes = [...server.stats.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [
    `errorstat_${safeInfoString(code)}`,
    `count=${server.stats.errors.get(code)}`,
  ]);
}

function keyspaceFields(server: Server): InfoField[] {
  const fields: InfoField[] = [];
  for (const db of server.keyspace.dbs) {
    const keys = db.size, expires = db.expiresCount;
    if (keys || expires) {
      fields.push([
        `db${db.id}`,
        `keys=${keys},expires=${expires},avg_ttl=${Math.floor(db.avgTtl)}`,
      ]);
    }
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** bytesToHuman: 100B, 1.50K, 2.00M, ... as INFO prints sizes. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P"];
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === "P") return `${fixed2(d)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

/** printf("%.2f"), which rounds half to even on the binary value like toFixed does. */
function fixed2(d: number): string {
  if (!Number.isFinite(d)) return d > 0 ? "inf" : d < 0 ? "-inf" : "nan";
  return d.toFixed(2);
}

/** "%ld.%06ld" of a microsecond count. */
function cpuSeconds(usec: number): string {
  const s = Math.floor(usec / 1e6);
  return `${s}.${String(Math.floor(usec - s * 1e6)).padStart(6, "0")}`;
}

/** getSafeInfoString: INFO's separators inside a name become '_'. */
function safeInfoString(s: string): string {
  return s.replace(/[#:\r\n]/g, "_");
}

/** A stable per-build id, as redisBuildIdString prints a hex number. */
const BUILD_ID = (() => {
  let h = 0xcbf29ce484222325n;
  for (const ch of `deno-${Deno.version.deno}-${REDIS_VERSION}`) {
    h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16);
})();

const MULTIPLEXING_API = Deno.build.os === "linux"
  ? "epoll"
  : Deno.build.os === "darwin" || Deno.build.os === "freebsd"
  ? "kqueue"
  : "select";

/** True when a permission is already granted (never prompts). */
function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

let osCache: string | null = null;

/** uname's "sysname release machine", without prompting for permissions. */
function osInfo(): string {
  if (osCache !== null) return osCache;
  const sysname: Record<string, string> = {
    linux: "Linux",
    darwin: "Darwin",
    windows: "Windows_NT",
    freebsd: "FreeBSD",
  };
  let release = "";
  if (granted({ name: "sys", kind: "osRelease" })) {
    try {
      release = Deno.osRelease();
    } catch { /* unavailable */ }
  } else if (
    Deno.build.os === "linux" && granted({ name: "read", path: "/proc/sys/kernel/osrelease" })
  ) {
    try {
      release = Deno.readTextFileSync("/proc/sys/kernel/osrelease").trim();
    } catch { /* unavailable */ }
  }
  const machine = Deno.build.os === "darwin" && Deno.build.arch === "aarch64"
    ? "arm64"
    : Deno.build.arch;
  osCache = `${sysname[Deno.build.os] ?? Deno.build.os} ${release} ${machine}`;
  return osCache;
}

let systemMemoryCache: number | null = null;

function systemMemory(): number {
  if (systemMemoryCache !== null) return systemMemoryCache;
  systemMemoryCache = 0;
  if (granted({ name: "sys", kind: "systemMemoryInfo" })) {
    try {
      systemMemoryCache = Deno.systemMemoryInfo().total;
    } catch { /* unavailable */ }
  }
  return systemMemoryCache;
}

function executablePath(): string {
  try {
    return Deno.execPath();
  } catch {
    return "";
  }
}
