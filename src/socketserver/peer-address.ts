// `client_address` of a connection accepted into WASM memory (linear-socket.ts), looked up only
// when first read: the peer-address lookup (getpeername, then two strings) is a syscall that
// costs a one-request connection about 5 µs, and most handlers never read it (log_message does,
// so a server that logs pays it there, once per connection). It is a real Array, `[host, port]`,
// equal (toEqual, JSON, destructuring, inspect) to the one Python's accept gives once settled.

import { inspect } from "node:util";

/** What the lookup reads: a net.Socket's peer (node caches it once read). */
interface Peer {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/** What a PeerAddress becomes once looked up: an Array subclass with its two elements of its
 * own and no accessors in the way, so they are set with plain stores. */
class SettledAddress extends Array<string | number> {
  /** map/filter/slice give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Looked up already. */
  settle(): void {}

  /** Shown as the plain array it stands for. */
  [inspect.custom](_depth: number, options: object): string {
    return inspect([this[0], this[1]], options);
  }
}

/**
 * `[host, port]` of `socket`, looked up on the first read of an element (or `settle()`). Until
 * then its two elements are holes, read through accessors on this class's prototype, so making
 * one costs an array of two holes; the handler's `client_address` getter settles it, so what a
 * handler keeps is a plain array with its own elements. LinearSocket settles it before its
 * handle closes while the server still serves the connection. Read for the first time only
 * after the connection has closed, it is `["", 0]` (as node's remoteAddress).
 *
 * Settling moves it to the prototype of SettledAddress (no accessors: not a PeerAddress any
 * more) and stores the two elements: defining them as own properties over the accessors
 * (Object.defineProperty on array indices) cost ~2.5 µs per connection that logs.
 */
export class PeerAddress extends SettledAddress {
  #socket: Peer | null;

  static {
    const element = (i: 0 | 1): PropertyDescriptor => ({
      get(this: PeerAddress) {
        this.settle();
        return this[i];
      },
      set(this: PeerAddress, value: string | number) {
        this.settle();
        this[i] = value;
      },
    });
    Object.defineProperties(this.prototype, { 0: element(0), 1: element(1) });
  }

  constructor(socket: Peer) {
    super(2);
    this.#socket = socket;
  }

  /** Look the address up now, if it has not been: the elements become the array's own. */
  override settle(): void {
    const socket = this.#socket;
    if (socket === null) return;
    this.#socket = null;
    const host = socket.remoteAddress ?? "";
    const port = socket.remotePort ?? 0;
    Object.setPrototypeOf(this, SettledAddress.prototype);
    this[0] = host;
    this[1] = port;
  }
}
