/**
 * The replication backlog: the last `repl-backlog-size` bytes of the
 * replication stream, from which a replica that reconnects is served the part
 * it missed (PSYNC -> +CONTINUE). Bytes live in fixed-size blocks allocated as
 * the stream grows, so a large repl-backlog-size costs memory only once that
 * much has been written; the oldest block is dropped once the bytes after it
 * cover the size.
 */

const BLOCK = 16 * 1024;

/** A bounded window on the replication stream, addressed by stream offset. */
export class ReplBacklog {
  private blocks: Uint8Array[] = [];
  /** Index of the first valid byte in blocks[0]. */
  private head = 0;
  /** Bytes used in the last block. */
  private tail = 0;
  /** Bytes held (repl_backlog_histlen). */
  histlen = 0;
  /** Unix time (s) the backlog was created (INFO has no field; logs, TTL). */
  readonly createdAt = Date.now();

  /**
   * `offset` is the stream offset of the last byte already produced (master_repl_offset):
   * the backlog's first byte will be `offset + 1`.
   */
  constructor(public size: number, private endOffset: number) {}

  /** repl_backlog_first_byte_offset: stream offset of the oldest byte held. */
  get firstByteOffset(): number {
    return this.endOffset - this.histlen + 1;
  }

  /** Bytes of memory the blocks take (INFO mem_replication_backlog). */
  get memory(): number {
    return this.blocks.length * BLOCK;
  }

  /** Appends stream bytes; the oldest fall out past `size`. */
  append(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      let last = this.blocks[this.blocks.length - 1];
      if (last === undefined || this.tail === last.length) {
        last = new Uint8Array(BLOCK);
        this.blocks.push(last);
        this.tail = 0;
      }
      const n = Math.min(last.length - this.tail, data.length - off);
      last.set(data.subarray(off, off + n), this.tail);
      this.tail += n;
      off += n;
    }
    this.histlen += data.length;
    this.endOffset += data.length;
    this.trim();
  }

  /** Changes repl-backlog-size (CONFIG SET): shrinking drops the oldest bytes. */
  resize(size: number): void {
    this.size = size;
    this.trim();
  }

  private trim(): void {
    let excess = this.histlen - this.size;
    while (excess > 0) {
      const first = this.blocks[0];
      const end = this.blocks.length === 1 ? this.tail : first.length;
      const n = Math.min(end - this.head, excess);
      this.head += n;
      this.histlen -= n;
      excess -= n;
      if (this.head === end && this.blocks.length > 1) {
        this.blocks.shift();
        this.head = 0;
      }
    }
  }

  /** True when the stream from `offset` on (offset of the first byte wanted) is all held. */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.endOffset + 1;
  }

  /** The bytes from stream offset `offset` to the end, as chunks (addReplyReplicationBacklog). */
  from(offset: number): Uint8Array[] {
    let skip = offset - this.firstByteOffset;
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.blocks.length; i++) {
      const start = i === 0 ? this.head : 0;
      const end = i === this.blocks.length - 1 ? this.tail : this.blocks[i].length;
      const n = end - start;
      if (skip >= n) {
        skip -= n;
        continue;
      }
      out.push(this.blocks[i].subarray(start + skip, end));
      skip = 0;
    }
    return out;
  }
}
