/**
 * The live configuration: CONFIG GET / SET / REWRITE semantics with Redis's exact formats and
 * error texts (config.c), and typed values for the server's hot reads. The directives are in
 * config_table.ts; config_loader.ts reads redis.conf files and the command line into a Config.
 *
 * Names and values are binary strings (one char per byte), like keys. Typed properties
 * (`config.port`, `config.bind`, ...) are plain fields refreshed on every change, so reading them
 * costs nothing.
 *
 * Deliberate differences from Redis: the default `bind` is "127.0.0.1 -::1" (what the stock
 * redis.conf ships); `dir` is tracked as an absolute path instead of changing the process cwd
 * (use `config.dir` / `resolvePath()` for file paths); TLS configs are absent (a default Redis
 * build has none either).
 */

import { binaryToBytes, bytesToBinary, cString } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import type { EncodingLimits } from "../store/types.ts";
import { parseLongLong } from "../util/number.ts";
import {
  asciiLower,
  formatMemory,
  memtoull,
  repr,
  RewriteState,
  strerror,
  strtoll,
  toNativePath,
} from "./config_file.ts";
import type { ClientBufferLimit, ObufRaw, ReplicaOf, SaveParam } from "./config_special.ts";
import {
  camelName,
  CONFIG_TABLE,
  type ConfigDef,
  type Entry,
  enumName,
  lookupConfigDef,
  type NumericKind,
  type Raw,
  REGISTRY,
  type StandardConfigValues,
} from "./config_table.ts";

/** A CONFIG command failure; `message` is the Redis error text without the leading code. */
export class ConfigError extends Error {
  /** The error code to prefix the reply with ("ERR", or "LOADING" while loading). */
  readonly code: string;
  constructor(message: string, code = "ERR") {
    super(message);
    this.name = "ConfigError";
    this.code = code;
  }
}

/** Listener run after CONFIG SET changed a directive; a returned string (or throw) = failure. */
export type ChangeListener = () => void | string | null | undefined;

/** Options for CONFIG SET from a client. */
export interface SetOptions {
  /** The client is local (loopback or unix socket): allowed by enable-protected-configs local. */
  isLocalClient?: boolean;
  /** The server is loading data: DENY_LOADING configs are refused with -LOADING. */
  loading?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

/** Typed values of the special directives (plus derived forms). */
export interface Config extends StandardConfigValues {
  /** Absolute native path of the working directory (`dir`). */
  readonly dir: string;
  /** Save points as CONFIG GET prints them, e.g. "3600 1 300 100 60 10000" ("" = none). */
  readonly save: string;
  /** Save points, parsed. */
  readonly saveParams: readonly SaveParam[];
  /** Bind addresses ("-" prefix = optional); empty = none. */
  readonly bind: readonly string[];
  /** The master to replicate from, or null. */
  readonly replicaof: ReplicaOf | null;
  /** notify-keyspace-events as CONFIG GET prints it (e.g. "AKE", "" = off). */
  readonly notifyKeyspaceEvents: string;
  /** notify-keyspace-events as NOTIFY_* bits. */
  readonly notifyKeyspaceEventsFlags: number;
  /** client-output-buffer-limit as CONFIG GET prints it. */
  readonly clientOutputBufferLimit: string;
  /** client-output-buffer-limit per class. */
  readonly clientOutputBufferLimits: {
    readonly normal: ClientBufferLimit;
    readonly replica: ClientBufferLimit;
    readonly pubsub: ClientBufferLimit;
  };
  /** oom-score-adj-values as printed. */
  readonly oomScoreAdjValues: string;
  /** latency-tracking-info-percentiles. */
  readonly latencyTrackingInfoPercentiles: readonly number[];
}

/** The live configuration: typed values plus CONFIG GET / SET / REWRITE. */
export class Config {
  /** Absolute path of the config file loaded at start-up, or null. */
  configFile: string | null = null;
  /** The command-line arguments the server was started with (after the program name). */
  startupArgs: string[] = [];
  /** `rename-command old new` directives, in order (the command table applies them). */
  readonly renamedCommands: [string, string][] = [];
  /** `user ...` directives (each as its arguments, without "user"), for the ACL module. */
  readonly userDirectives: string[][] = [];
  /** `loadmodule path args...` directives (modules are not supported; the server decides). */
  readonly loadModules: string[][] = [];
  /**
   * Supplies the `user ...` lines for CONFIG REWRITE (the ACL module installs it); when null
   * only the default user is described, from requirepass.
   */
  aclRewriteLines: (() => string[] | Promise<string[]>) | null = null;

  /** @internal raw values by primary name */
  readonly _raw = new Map<string, Raw>();
  /** @internal true while a config file/string is being read (save semantics) */
  _readingConfigFile = false;
  /** @internal the first "save" line read replaced the defaults */
  _saveLoaded = false;
  private readonly listeners = new Map<string, ChangeListener[]>();

  /** The *-max-listpack-* / intset thresholds that decide value encodings, as set now. */
  encodingLimits(): EncodingLimits {
    return {
      listMaxListpackSize: this.listMaxListpackSize,
      hashMaxListpackEntries: this.hashMaxListpackEntries,
      hashMaxListpackValue: this.hashMaxListpackValue,
      setMaxIntsetEntries: this.setMaxIntsetEntries,
      setMaxListpackEntries: this.setMaxListpackEntries,
      setMaxListpackValue: this.setMaxListpackValue,
      zsetMaxListpackEntries: this.zsetMaxListpackEntries,
      zsetMaxListpackValue: this.zsetMaxListpackValue,
    };
  }

  /** A configuration with every directive at its default; `cwd` is the initial `dir`. */
  constructor(cwd: string = Deno.cwd()) {
    for (const def of CONFIG_TABLE as readonly ConfigDef[]) {
      this._raw.set(def.name, initialRaw(def));
    }
    let dir = cwd;
    try {
      dir = Deno.realPathSync(cwd);
    } catch {
      // keep as given
    }
    this._raw.set("dir", dir);
    for (const def of CONFIG_TABLE as readonly ConfigDef[]) this.refresh(def);
  }

  /** All directive definitions, in table order. */
  static definitions(): readonly ConfigDef[] {
    return CONFIG_TABLE as readonly ConfigDef[];
  }

  /** The definition of a directive or alias (case-insensitive). */
  lookup(name: string): ConfigDef | undefined {
    return lookupConfigDef(name);
  }

  /** True when CONFIG SET of `name` carries a secret (redact it from logs and MONITOR). */
  isSensitive(name: string): boolean {
    return !!lookupConfigDef(name)?.sensitive;
  }

  /** CONFIG GET value of one directive (exact name or alias, hidden ones too), or null. */
  get(name: string): string | null {
    const e = REGISTRY.get(asciiLower(name));
    return e ? this.format(e.def) : null;
  }

  /**
   * CONFIG GET: every (name, value) whose name or alias matches one of the glob patterns
   * (case-insensitive). A pattern without glob characters is an exact lookup that returns the
   * name as the client spelled it and also finds hidden directives. Deduplicated by name.
   */
  getMatching(patterns: string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const key = asciiLower(pattern);
        if (seen.has(key)) continue;
        const e = REGISTRY.get(key);
        if (e) {
          seen.add(key);
          out.push([pattern, this.format(e.def)]);
        }
        continue;
      }
      for (const [key, e] of REGISTRY) {
        if (e.def.hidden || seen.has(key)) continue;
        if (matchGlob(pattern, key, true)) {
          seen.add(key);
          out.push([key, this.format(e.def)]);
        }
      }
    }
    return out;
  }

  /** CONFIG SET of a single directive (see setMany). */
  set(name: string, value: string, opts: SetOptions = {}): void {
    this.setMany([[name, value]], opts);
  }

  /**
   * CONFIG SET with several pairs, atomically (config.c configSetCommand): all names are checked
   * first, then all values are set, then apply steps and change listeners run; any failure
   * restores every previous value. Throws ConfigError with Redis's exact text.
   */
  setMany(pairs: [string, string][], opts: SetOptions = {}): void {
    const entries: Entry[] = [];
    let invalidArgName: string | null = null;
    let errstr: string | null = null;
    let errArgName = "";
    let invalid = false;
    let denyLoading = false;
    const protectedMode = this._raw.get("enable-protected-configs") as number;
    const protectedAllowed = protectedMode === 1 || (protectedMode === 2 && !!opts.isLocalClient);

    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i][0];
      const e = REGISTRY.get(asciiLower(name));
      if (!e) {
        if (!invalid) {
          invalidArgName = name;
          invalid = true;
        }
        continue;
      }
      if (invalid) continue;
      if (!e.def.mutable || (e.def.protected && !protectedAllowed)) {
        errstr = !e.def.mutable ? "can't set immutable config" : "can't set protected config";
        errArgName = name;
        invalid = true;
        continue;
      }
      if (opts.loading && e.def.denyLoading) {
        denyLoading = true;
        invalid = true;
        continue;
      }
      if (entries.includes(e)) {
        errstr = "duplicate parameter";
        errArgName = name;
        invalid = true;
      }
      entries[i] = e;
    }
    if (invalid) {
      if (denyLoading) {
        throw new ConfigError("Redis is loading the dataset in memory", "LOADING");
      }
      if (invalidArgName !== null) {
        throw new ConfigError(
          `Unknown option or number of arguments for CONFIG SET - '${cString(invalidArgName)}'`,
        );
      }
      throw setFailed(errArgName, errstr);
    }

    const backups = entries.map((e) => structuredClone(this._raw.get(e.def.name)));
    const restore = (count: number) => {
      for (let i = count - 1; i >= 0; i--) this._raw.set(entries[i].def.name, backups[i]);
      for (let i = 0; i < count; i++) this.refresh(entries[i].def);
    };

    // Set all new values (not applied yet).
    const applies: { fn: () => string | null; entry: Entry }[] = [];
    const applyIds = new Set<unknown>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const value = pairs[i][1];
      const argv = e.def.multiArg ? (value === "" ? [] : value.split(" ")) : [value];
      const res = this.setFromArgs(e.def, argv);
      if (typeof res === "string") {
        restore(i + 1);
        throw setFailed(e.name, res);
      }
      if (!res) continue;
      this.refresh(e.def);
      const internal = e.def.apply;
      if (internal && !applyIds.has(internal)) {
        applyIds.add(internal);
        applies.push({ fn: () => internal(this), entry: e });
      }
      for (const l of this.listeners.get(e.def.name) ?? []) {
        if (applyIds.has(l)) continue;
        applyIds.add(l);
        applies.push({ fn: () => runListener(l), entry: e });
      }
    }

    for (let i = 0; i < applies.length; i++) {
      const err = applies[i].fn();
      if (err !== null) {
        restore(entries.length);
        for (let j = 0; j < applies.length; j++) applies[j].fn();
        throw setFailed(applies[i].entry.name, err);
      }
    }
  }

  /**
   * Sets a directive on the server's own behalf (e.g. REPLICAOF updating `replicaof`, or the
   * real port chosen for `--port 0`): parsed like a config-file line's value (multi-arg values
   * are split on spaces), ignoring mutability and protection, without running listeners.
   * Throws ConfigError with the parse error text.
   */
  setInternal(name: string, value: string): void {
    const def = lookupConfigDef(name);
    if (!def) throw new ConfigError(`Unknown config '${name}'`);
    const argv = def.multiArg ? (value === "" ? [] : value.split(" ")) : [value];
    const backup = structuredClone(this._raw.get(def.name));
    const res = this._setDirective(def, argv);
    if (typeof res === "string") {
      this._raw.set(def.name, backup);
      this.refresh(def);
      throw new ConfigError(res);
    }
    if (def.apply) def.apply(this);
  }

  /** Updates `replicaof` (REPLICAOF / SLAVEOF commands): a master, or null for NO ONE. */
  setReplicaOf(target: ReplicaOf | null): void {
    this.setInternal("replicaof", target ? `${target.host} ${target.port}` : "no one");
  }

  /**
   * Registers a listener run after CONFIG SET changes `name` (alias or primary); the server
   * re-binds, resizes, etc. A listener registered for several names runs once per CONFIG SET.
   * Returning a string (or throwing) fails the CONFIG SET with that text and rolls it back.
   */
  onChange(name: string, fn: ChangeListener): void {
    const def = lookupConfigDef(name);
    if (!def) throw new Error(`onChange: unknown config '${name}'`);
    const list = this.listeners.get(def.name);
    if (list) list.push(fn);
    else this.listeners.set(def.name, [fn]);
  }

  /** Resolves a (binary string) path against `dir`, to a native absolute path. */
  resolvePath(p: string): string {
    const native = toNativePath(p);
    if (native.startsWith("/")) return native;
    const dir = this._raw.get("dir") as string;
    return dir.endsWith("/") ? dir + native : `${dir}/${native}`;
  }

  /**
   * CONFIG REWRITE: rewrites the config file loaded at start-up, keeping comments, unknown
   * lines and order, replacing the lines of known directives, blanking their extra lines, and
   * appending non-default directives after "# Generated by CONFIG REWRITE".
   */
  async rewrite(): Promise<void> {
    if (this.configFile === null) {
      throw new ConfigError("The server is running without a config file");
    }
    const file = this.configFile;
    if (Deno.permissions.querySync({ name: "write", path: file }).state !== "granted") {
      throw new ConfigError(
        `Rewriting config file: no write permission for ${file}: restart deno with --allow-write=${file}`,
      );
    }
    let old = "";
    try {
      const bytes = await Deno.readFile(this.configFile);
      old = bytesToBinary(bytes);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new ConfigError(`Rewriting config file: ${strerror(err)}`);
      }
    }
    const state = RewriteState.fromContent(old, (lower) => {
      const e = REGISTRY.get(lower);
      if (e) return e.def.name;
      return FILE_ONLY_DIRECTIVES.has(lower) ? lower : null;
    });
    for (const def of CONFIG_TABLE as readonly ConfigDef[]) this.rewriteDef(def, state);

    // Users: an aclfile owns them; otherwise describe every user.
    if ((this._raw.get("aclfile") as string) !== "") {
      state.markProcessed("user");
    } else {
      const lines = this.aclRewriteLines
        ? await this.aclRewriteLines()
        : [await defaultUserLine(this._raw.get("requirepass") as string | null)];
      for (const line of lines) state.rewriteLine("user", line, true);
      state.markProcessed("user");
    }
    // No module is ever loaded, so loadmodule lines are dropped like Redis does with none.
    state.markProcessed("loadmodule");
    state.removeOrphaned();

    const content = binaryToBytes(state.content());
    const tmp = `${this.configFile}.${Math.random().toString(36).slice(2, 8)}`;
    try {
      await Deno.writeFile(tmp, content, { mode: 0o644 });
      await Deno.rename(tmp, this.configFile);
    } catch (err) {
      try {
        await Deno.remove(tmp);
      } catch {
        // nothing to clean
      }
      throw new ConfigError(`Rewriting config file: ${strerror(err)}`);
    }
  }

  /** @internal clamps hz to 1..500 (updateHZ and the end of config loading). */
  _clampHz(): void {
    const hz = this._raw.get("hz") as bigint;
    if (hz < 1n) this._raw.set("hz", 1n);
    if (hz > 500n) this._raw.set("hz", 500n);
    this.refresh(lookupConfigDef("hz")!);
  }

  /** @internal rewriteConfigStringOption */
  _rewriteString(state: RewriteState, name: string, value: string | null, def: string | null) {
    if (value === null) {
      state.markProcessed(name);
      return;
    }
    const force = !(def !== null && value === def);
    state.rewriteLine(name, `${name} ${repr(value)}`, force);
  }

  /**
   * @internal Sets a directive from its arguments (config file / command line form). Returns an
   * error text, true when the value changed, false when it was already that value.
   */
  _setDirective(def: ConfigDef, argv: string[]): string | boolean {
    const res = this.setFromArgs(def, argv);
    if (res === true) this.refresh(def);
    return res;
  }

  private setFromArgs(def: ConfigDef, argv: string[]): string | boolean {
    const name = def.name;
    const prev = this._raw.get(name);
    switch (def.type) {
      case "bool": {
        const a = asciiLower(argv[0] ?? "");
        if (a !== "yes" && a !== "no") return "argument must be 'yes' or 'no'";
        const v = a === "yes";
        const err = def.isValid?.(v);
        if (err) return err;
        if (prev === v) return false;
        this._raw.set(name, v);
        return true;
      }
      case "int":
      case "memory": {
        const parsed = parseNumeric(def, argv[0] ?? "");
        if (typeof parsed === "string") return parsed;
        const err = boundaryCheck(def, parsed) ?? def.isValid?.(parsed);
        if (err) return err;
        // Store in the C type's domain (unsigned types never read back negative).
        const v = UNSIGNED_KINDS.has(def.kind!) ? BigInt.asUintN(64, parsed) : parsed;
        if (prev === v) return false;
        this._raw.set(name, v);
        return true;
      }
      case "string": {
        const err = def.isValid?.(argv[0]);
        if (err) return err;
        const v = def.emptyToNull && argv[0] === "" ? null : argv[0];
        if (v === prev) return false;
        this._raw.set(name, v);
        return true;
      }
      case "enum": {
        const v = enumValue(def, argv);
        if (v === null) {
          return "argument(s) must be one of the following: " +
            def.enumValues!.map(([n]) => n).join(", ");
        }
        const err = def.isValid?.(v);
        if (err) return err;
        if (v === prev) return false;
        this._raw.set(name, v);
        return true;
      }
      case "special": {
        const err = def.special!.set(this, argv);
        return err ?? true;
      }
    }
  }

  private format(def: ConfigDef): string {
    const v = this._raw.get(def.name);
    switch (def.type) {
      case "bool":
        return v ? "yes" : "no";
      case "int":
      case "memory": {
        const n = v as bigint;
        if (def.percent && n < 0n) return `${-n}%`;
        if (def.octal) return n.toString(8);
        return `${n}`;
      }
      case "string":
        return (v as string | null) ?? "";
      case "enum":
        return enumName(def.enumValues!, v as number, !!def.multiArg);
      case "special":
        return def.special!.get(this);
    }
  }

  private rewriteDef(def: ConfigDef, state: RewriteState): void {
    const name = def.name;
    const v = this._raw.get(name);
    switch (def.type) {
      case "bool":
        state.rewriteLine(name, `${name} ${v ? "yes" : "no"}`, v !== (def.default === "yes"));
        return;
      case "int":
      case "memory": {
        const n = v as bigint;
        const d = def.octal ? BigInt("0o" + def.default) : BigInt(def.default);
        if (def.percent && n < 0n) {
          state.rewriteLine(name, `${name} ${-n}%`, -n !== d);
        } else if (def.type === "memory") {
          state.rewriteLine(name, `${name} ${formatMemory(n)}`, n !== d);
        } else if (def.octal) {
          state.rewriteLine(name, `${name} ${n.toString(8)}`, n !== d);
        } else {
          state.rewriteLine(name, `${name} ${n}`, n !== d);
        }
        return;
      }
      case "string":
        this._rewriteString(state, name, v as string | null, def.emptyToNull ? null : def.default);
        return;
      case "enum": {
        const text = enumName(def.enumValues!, v as number, !!def.multiArg);
        state.rewriteLine(name, `${name} ${text}`, text !== def.default);
        return;
      }
      case "special":
        def.special!.rewrite(this, name, state);
        return;
    }
  }

  /** Updates the typed camelCase property of `def` (and derived ones). */
  private refresh(def: ConfigDef): void {
    const self = this as unknown as Record<string, unknown>;
    const key = camelName(def.name);
    const v = this._raw.get(def.name);
    switch (def.type) {
      case "bool":
        self[key] = v;
        break;
      case "int":
      case "memory":
        self[key] = Number(v as bigint);
        break;
      case "string":
        self[key] = (v as string | null) ?? "";
        break;
      case "enum":
        self[key] = enumName(def.enumValues!, v as number, !!def.multiArg);
        break;
      case "special":
        self[key] = def.special!.typed(this);
        break;
    }
    if (def.name === "save") self.saveParams = (v as SaveParam[]).map((p) => ({ ...p }));
    if (def.name === "notify-keyspace-events") self.notifyKeyspaceEventsFlags = v;
    if (def.name === "client-output-buffer-limit") {
      const l = (v as ObufRaw[]).map((x) => ({
        hard: Number(x.hard),
        soft: Number(x.soft),
        seconds: x.seconds,
      }));
      self.clientOutputBufferLimits = { normal: l[0], replica: l[1], pubsub: l[2] };
    }
  }
}

function runListener(l: ChangeListener): string | null {
  try {
    const r = l();
    return typeof r === "string" ? r : null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function setFailed(name: string, errstr: string | null): ConfigError {
  return new ConfigError(
    errstr === null
      ? `CONFIG SET failed (possibly related to argument '${cString(name)}')`
      : `CONFIG SET failed (possibly related to argument '${cString(name)}') - ${errstr}`,
  );
}

function initialRaw(def: ConfigDef): Raw {
  switch (def.type) {
    case "bool":
      return def.default === "yes";
    case "int":
    case "memory":
      return def.octal ? BigInt("0o" + def.default) : BigInt(def.default);
    case "string":
      return def.emptyToNull && def.default === "" ? null : def.default;
    case "enum":
      return def.enumValues!.find(([n]) => n === def.default)![1];
    case "special":
      return def.special!.init();
  }
}

/** configEnumGetValue: one name, or (bit flags) several OR-ed; null when unknown. */
function enumValue(def: ConfigDef, argv: string[]): number | null {
  if (argv.length === 0 || (!def.multiArg && argv.length !== 1)) return null;
  let v = 0;
  for (const a of argv) {
    const lower = asciiLower(a);
    let matched = false;
    for (const [n, val] of def.enumValues!) {
      if (n === lower) {
        v |= val;
        matched = true;
      }
    }
    if (!matched) return null;
  }
  return v;
}

const UNSIGNED_KINDS = new Set<NumericKind>(["ulonglong", "uint", "sizet"]);
/** Value wrapping of the C destination type for what the parsers return. */
function toKind(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** numericParseString: memory units, N%, octal or a strict integer; error text on failure. */
function parseNumeric(def: ConfigDef, s: string): bigint | string {
  if (def.type === "memory") {
    const m = memtoull(s);
    if (m !== null) return toKind(m);
  }
  if (def.percent && s.length > 1 && s.endsWith("%")) {
    const p = parseLongLong(s.slice(0, -1));
    if (p !== null && p >= 0n) return -p;
  }
  if (def.octal) {
    const { value, rest } = strtoll(s, 8);
    if (rest === "" && value !== 9223372036854775807n && value !== -9223372036854775808n) {
      return value;
    }
  }
  if (def.type === "int" && !def.octal) {
    const v = parseLongLong(s);
    if (v !== null) return v;
  }
  if (def.type === "memory" && def.percent) return "argument must be a memory or percent value";
  if (def.type === "memory") return "argument must be a memory value";
  if (def.octal) return "argument couldn't be parsed as an octal number";
  return "argument couldn't be parsed into an integer";
}

/** numericBoundaryCheck, with Redis's messages (unsigned types compare as unsigned). */
function boundaryCheck(def: ConfigDef, v: bigint): string | null {
  const min = def.min!;
  const max = def.max!;
  if (UNSIGNED_KINDS.has(def.kind!)) {
    const u = BigInt.asUintN(64, v);
    const lo = BigInt.asUintN(64, min);
    const hi = BigInt.asUintN(64, max);
    if (u > hi || u < lo) {
      return def.octal
        ? `argument must be between ${lo.toString(8)} and ${hi.toString(8)} inclusive`
        : `argument must be between ${lo} and ${hi} inclusive`;
    }
    return null;
  }
  if (def.percent && v < 0n) {
    return v < min ? `percentage argument must be less or equal to ${-min}` : null;
  }
  if (v > max || v < min) return `argument must be between ${min} and ${max} inclusive`;
  return null;
}

/** Directives only valid in config files, kept as they are by CONFIG REWRITE. */
const FILE_ONLY_DIRECTIVES = new Set([
  "include",
  "rename-command",
  "user",
  "loadmodule",
  "sentinel",
]);

/** The default user's ACL description, as ACL LIST / CONFIG REWRITE print it. */
async function defaultUserLine(requirepass: string | null): Promise<string> {
  if (requirepass === null) return "user default on nopass sanitize-payload ~* &* +@all";
  const digest = await crypto.subtle.digest("SHA-256", binaryToBytes(requirepass));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `user default on sanitize-payload #${hex} ~* &* +@all`;
}
