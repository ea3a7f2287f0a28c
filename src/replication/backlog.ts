/**
 * The replication backlog: the last `repl-backlog-size` bytes of the
 * replication stream, from which a replica that reconnects is served the part
 * it missed (PSYNC -> +CONTINUE). Bytes live in fixed-size blocks allocated as
 * the stream grows, so a large repl-backlog-size costs memory only once that
 * much has been written; blocks whose bytes all fell out are dropped, or kept
 * for the next bytes once the backlog is full (a full backlog drops a block for
 * each it fills: allocating and collecting them was most of an append's cost).
 */

const BLOCK = 16 * 1024;
/** Dropped blocks kept for reuse: what one delivery of staged stream (64 KB) fills, and some. */
const SPARE_BLOCKS = 8;

/** A bounded window on the replication stream, addressed by stream offset. */
export class ReplBacklog {
  /** Blocks from `first` on are in use (older ones are dropped in batches). */
  private blocks: Uint8Array[] = [];
  private first = 0;
  /** Blocks dropped by trim, reused by append (at most SPARE_BLOCKS). */
  private spare: Uint8Array[] = [];
  /** Index of the oldest byte held in blocks[first]. */
  private head = 0;
  /** Bytes used in the last block. */
  private tail = 0;
  /** Bytes held (repl_backlog_histlen). */
  histlen = 0;

  /**
   * `endOffset` is the stream offset of the last byte already produced
   * (master_repl_offset): the backlog's first byte will be `endOffset + 1`.
   */
  constructor(public size: number, private endOffset: number) {}

  /** repl_backlog_first_byte_offset: stream offset of the oldest byte held. */
  get firstByteOffset(): number {
    return this.endOffset - this.histlen + 1;
  }

  /** Bytes of memory the blocks take (INFO mem_replication_backlog). */
  get memory(): number {
    return (this.blocks.length - this.first) * BLOCK;
  }

  /** Appends stream bytes; the oldest fall out past `size`. */
  append(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      let last = this.blocks[this.blocks.length - 1];
      if (last === undefined || this.tail === last.length) {
        last = this.spare.pop() ?? new Uint8Array(BLOCK);
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
    if (this.histlen > this.size) this.trim();
  }

  /** Changes repl-backlog-size (CONFIG SET): shrinking drops the oldest bytes. */
  resize(size: number): void {
    this.size = size;
    this.trim();
  }

  private trim(): void {
    let excess = this.histlen - this.size;
    while (excess > 0) {
      const lastIndex = this.blocks.length - 1;
      const end = this.first === lastIndex ? this.tail : this.blocks[this.first].length;
      const n = Math.min(end - this.head, excess);
      this.head += n;
      this.histlen -= n;
      excess -= n;
      if (this.head === end && this.first < lastIndex) {
        const dropped = this.blocks[this.first];
        // Kept for the next append (a shrink's excess goes to the GC).
        if (this.spare.length < SPARE_BLOCKS && dropped.length === BLOCK) this.spare.push(dropped);
        this.blocks[this.first++] = EMPTY;
        this.head = 0;
      }
    }
    // Compact the array once half of it is dropped blocks: amortized O(1) per block.
    if (this.first > 64 && this.first * 2 > this.blocks.length) {
      this.blocks.splice(0, this.first);
      this.first = 0;
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
    const lastIndex = this.blocks.length - 1;
    for (let i = this.first; i <= lastIndex; i++) {
      const start = i === this.first ? this.head : 0;
      const end = i === lastIndex ? this.tail : this.blocks[i].length;
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

const EMPTY = new Uint8Array(0);
