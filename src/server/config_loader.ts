/**
 * Start-up configuration (config.c loadServerConfig, server.c main): the redis-server command
 * line, redis.conf files (include, glob patterns, stdin) and their fatal errors, --help and
 * --version.
 */

import { bytesToBinary } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { splitArgs } from "../util/splitargs.ts";
import { REDIS_VERSION } from "../version.ts";
import type { Log } from "./log.ts";
import { Config } from "./config.ts";
import { asciiLower, fromNativePath, repr, strerror, trimConfigLine } from "./config_file.ts";
import { REGISTRY } from "./config_table.ts";

/**
 * A fatal start-up configuration error. When `viaLog` is false, `message` is the exact multi-line
 * "*** FATAL CONFIG FILE ERROR ***" text Redis writes to stderr; when true, it is a message Redis
 * logs at warning level (e.g. "Fatal error, can't open config file ..."). Either way the process
 * then exits with status 1.
 */
export class StartupError extends Error {
  readonly viaLog: boolean;
  constructor(message: string, viaLog = false) {
    super(message);
    this.name = "StartupError";
    this.viaLog = viaLog;
  }

  /** Prints the error the way Redis does (stderr, or a log line through `log`). */
  print(log?: Log): void {
    if (this.viaLog && log) {
      log.warning(this.message);
    } else {
      const text = this.viaLog ? this.message + "\n" : this.message;
      const bytes = new TextEncoder().encode(text);
      let off = 0;
      while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
    }
  }
}

/** Options for parseCommandLine. */
export interface ParseOptions {
  /** Where "Reading config from stdin" and similar start-up notices go. */
  log?: Log;
  /** Reads all of stdin (for the "-" argument); defaults to Deno.stdin. */
  readStdin?: () => Promise<string>;
  /** Checks a rename-command directive in order: Redis's error text, or null when valid. */
  renameCommand?: (from: string, to: string) => string | null;
}

const DEPRECATED_DIRECTIVES = new Set([
  "list-max-ziplist-entries",
  "list-max-ziplist-value",
  "lua-replicate-commands",
]);

/** Internal loader state shared by a file and the files it includes. */
class Loader {
  private moduleConfigs = new Map<string, string>();
  constructor(readonly cfg: Config, readonly opts: ParseOptions) {}

  /** loadServerConfig: file (glob-aware) + stdin + options, then parse the whole text. */
  async load(filename: string | null, fromStdin: boolean, options: string | null): Promise<void> {
    let content = "";
    if (filename !== null) content += await this.readConfigFiles(filename);
    if (fromStdin) {
      this.opts.log?.notice("Reading config from stdin");
      content += await (this.opts.readStdin ?? readAllStdin)();
    }
    if (options !== null) content += "\n" + options;
    await this.loadFromString(content);
  }

  /** Reads a config file, or every file matching a wildcard pattern (sorted); may be none. */
  private async readConfigFiles(filename: string): Promise<string> {
    const native = this.cfg.resolvePath(filename);
    const globbed = /[*?[]/.test(filename);
    const files = globbed ? await expandGlob(native) : [native];
    let content = "";
    for (const f of files) {
      try {
        content += bytesToBinary(await Deno.readFile(f));
      } catch (err) {
        const shown = globbed ? fromNativePath(f) : filename;
        throw new StartupError(
          `Fatal error, can't open config file '${shown}': ${strerror(err)}`,
          true,
        );
      }
    }
    return content;
  }

  /** loadServerConfigFromString. */
  async loadFromString(config: string): Promise<void> {
    const cfg = this.cfg;
    cfg._readingConfigFile = true;
    const nul = config.indexOf("\0");
    const lines = (nul >= 0 ? config.slice(0, nul) : config).split("\n");
    let i = 0;
    const fail = (err: string): never => {
      let msg = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
      if (i < lines.length) {
        msg += `Reading the configuration file, at line ${i + 1}\n>>> '${lines[i]}'\n`;
      }
      throw new StartupError(msg + err + "\n");
    };
    for (i = 0; i < lines.length; i++) {
      lines[i] = trimConfigLine(lines[i]);
      const line = lines[i];
      if (line.length === 0 || line[0] === "#") continue;
      const argv = splitArgs(line);
      if (argv === null) fail("Unbalanced quotes in configuration line");
      if (argv!.length === 0) continue;
      argv![0] = asciiLower(argv![0]);
      const err = await this.directive(argv!);
      if (err !== null) fail(err);
    }
    i = lines.length;

    const logfile = cfg._raw.get("logfile") as string;
    if (logfile !== "") {
      try {
        const f = await Deno.open(cfg.resolvePath(logfile), { append: true, create: true });
        f.close();
      } catch (err) {
        fail(`Can't open the log file: ${strerror(err)}`);
      }
    }
    if ((cfg._raw.get("cluster-enabled") as boolean) && cfg._raw.get("replicaof") !== null) {
      fail("replicaof directive not allowed in cluster mode");
    }
    cfg._clampHz();
    cfg._readingConfigFile = false;
  }

  /** One directive; returns an error text or null. */
  private async directive(argv: string[]): Promise<string | null> {
    const name = argv[0];
    const argc = argv.length;
    const e = REGISTRY.get(name);
    if (e) {
      const def = e.def;
      if (!def.multiArg && argc !== 2) return "wrong number of arguments";
      let args: string[];
      if (def.multiArg && argc === 2 && argv[1].length > 0) {
        // "--replicaof 'host port'" arrives as one argument: split it (7.2 behaviour).
        args = splitArgs(argv[1]) ?? [];
      } else {
        args = argv.slice(1);
      }
      const res = this.cfg._setDirective(def, args);
      return typeof res === "string" ? res : null;
    }
    if (DEPRECATED_DIRECTIVES.has(name) && argc === 2) return null;
    if (name === "include" && argc === 2) {
      await this.load(argv[1], false, null);
      return null;
    }
    if (name === "rename-command" && argc === 3) {
      const err = this.opts.renameCommand?.(argv[1], argv[2]);
      if (err) return err;
      this.cfg.renamedCommands.push([argv[1], argv[2]]);
      return null;
    }
    if (name === "user" && argc >= 2) {
      this.cfg.userDirectives.push(argv.slice(1));
      return null;
    }
    if (name === "loadmodule" && argc >= 2) {
      this.cfg.loadModules.push(argv.slice(1));
      return null;
    }
    if (name.includes(".")) {
      if (argc !== 2) return "Module config specified without value";
      this.moduleConfigs.set(name, argv[1]);
      return null;
    }
    if (name === "sentinel") {
      return argc !== 1 ? "sentinel directive while not in sentinel mode" : null;
    }
    return "Bad directive or wrong number of arguments";
  }

  /** Module configs need their module loaded, which never happens here. */
  checkModuleConfigs(): void {
    if (this.moduleConfigs.size > 0 && this.cfg.loadModules.length === 0) {
      throw new StartupError(
        "Module Configuration detected without loadmodule directive or no ApplyConfig call: " +
          "aborting",
        true,
      );
    }
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  let s = "";
  for (const c of chunks) s += bytesToBinary(c);
  return s;
}

/** glob(3) for include patterns: wildcards per path segment, sorted, hidden files skipped. */
async function expandGlob(pattern: string): Promise<string[]> {
  const segs = pattern.split("/");
  let paths = [pattern.startsWith("/") ? "/" : "."];
  const start = pattern.startsWith("/") ? 1 : 0;
  for (let s = start; s < segs.length; s++) {
    const seg = segs[s];
    if (seg === "") continue;
    const next: string[] = [];
    for (const base of paths) {
      const join = (n: string) => base === "/" ? `/${n}` : base === "." ? n : `${base}/${n}`;
      if (!/[*?[]/.test(seg)) {
        next.push(join(seg));
        continue;
      }
      try {
        const names: string[] = [];
        for await (const ent of Deno.readDir(base === "." ? "." : base)) {
          if (ent.name.startsWith(".") && !seg.startsWith(".")) continue;
          if (matchGlob(fromNativePath(seg), fromNativePath(ent.name), false)) {
            names.push(ent.name);
          }
        }
        names.sort();
        for (const n of names) next.push(join(n));
      } catch {
        // unreadable directory: no match
      }
    }
    paths = next;
  }
  const out: string[] = [];
  for (const p of paths) {
    try {
      await Deno.stat(p);
      out.push(p);
    } catch {
      // glob only returns existing paths
    }
  }
  return out;
}

/** What parseCommandLine asks main to do. */
export type ParseResult =
  | { action: "run"; config: Config }
  | { action: "help" }
  | { action: "version" };

/**
 * Parses a redis-server command line (arguments after the program name): an optional config
 * file first (when the first argument does not start with "-"), "-" to also read stdin, then
 * "--directive value..." overrides, built into config text exactly like Redis's main() does.
 * Handles -v/--version and -h/--help. Throws StartupError on a configuration error.
 */
export async function parseCommandLine(
  args: string[],
  cwd: string = Deno.cwd(),
  opts: ParseOptions = {},
): Promise<ParseResult> {
  const cfg = new Config(cwd);
  cfg.startupArgs = args.slice();
  if (args.length === 0) return { action: "run", config: cfg };
  if (args[0] === "-v" || args[0] === "--version") return { action: "version" };
  if (args[0] === "--help" || args[0] === "-h") return { action: "help" };

  let j = 0;
  let configFile: string | null = null;
  if (args[0][0] !== "-") {
    configFile = cfg.resolvePath(fromNativePath(args[0]));
    cfg.configFile = configFile;
    j = 1;
  }
  let options = "";
  let fromStdin = false;
  let handledLastConfigArg = true;
  const argc = args.length;
  for (; j < argc; j++) {
    const arg = fromNativePath(args[j]);
    if (arg === "-" && (j === 0 || j === argc - 1)) {
      fromStdin = true;
    } else if (handledLastConfigArg && arg.startsWith("--")) {
      if (options.length > 0) options += "\n";
      options += arg.slice(2) + " ";
      const split = splitArgs(arg);
      if (split !== null && split.length === 1) {
        // Only a name (like --port): its values follow as separate arguments.
        handledLastConfigArg = false;
        const isSave = asciiLower(arg) === "--save";
        if (isSave && j !== argc - 1 && args[j + 1].startsWith("--")) {
          // `--save --other ...`: an empty save, as before 7.0.1.
          options += '""';
          handledLastConfigArg = true;
        } else if (isSave && j === argc - 1) {
          options += '""';
        }
      } else {
        // "--port 6380" as a single argument carries its value.
        handledLastConfigArg = true;
      }
    } else {
      options += repr(arg) + " ";
      handledLastConfigArg = true;
    }
  }

  const loader = new Loader(cfg, opts);
  await loader.load(configFile === null ? null : fromNativePath(configFile), fromStdin, options);
  loader.checkModuleConfigs();
  return { action: "run", config: cfg };
}

/**
 * Loads config text (redis.conf syntax) into a fresh Config, as if it were the config file;
 * errors throw StartupError. Mainly for tests and embedding.
 */
export async function loadConfigFromString(
  text: string,
  cwd: string = Deno.cwd(),
  opts: ParseOptions = {},
): Promise<Config> {
  const cfg = new Config(cwd);
  const loader = new Loader(cfg, opts);
  await loader.loadFromString(text);
  loader.checkModuleConfigs();
  return cfg;
}

/** `redis-server --help` text (Redis prints it to stderr and exits with status 1). */
export function helpText(binary = "./redis-server-deno"): string {
  const b = binary;
  return `Usage: ${b} [/path/to/redis.conf] [options] [-]
       ${b} - (read config from stdin)
       ${b} -v or --version
       ${b} -h or --help

Examples:
       ${b} (run the server with default conf)
       echo 'maxmemory 128mb' | ${b} -
       ${b} /etc/redis/6379.conf
       ${b} --port 7777
       ${b} --port 7777 --replicaof 127.0.0.1 8888
       ${b} /etc/myredis.conf --loglevel verbose -
       ${b} /etc/myredis.conf --loglevel verbose

`;
}

/** `redis-server --version` line (printed to stdout, exit status 0). */
export function versionText(): string {
  return `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0000000000000000\n`;
}
