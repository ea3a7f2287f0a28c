/** Function libraries (FUNCTION LOAD & co, FCALL): Redis's functions.c and function_lua.c. */

/** A function a library registered. */
export interface LibraryFunction {
  name: string;
  flags: number;
  description: string | null;
}

/** A loaded library. */
export interface Library {
  name: string;
  code: Uint8Array;
  functions: Map<string, LibraryFunction>;
}

/** Every loaded library and the function name index. */
export class FunctionLibraries {
  readonly libraries = new Map<string, Library>();
  /** function name -> its library. */
  readonly functions = new Map<string, Library>();
  memory = 0;

  get functionCount(): number {
    return this.functions.size;
  }
}
