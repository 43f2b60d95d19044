// The live-connection registry (src/http/registry.ts): one sweep timer per server for the
// connections' deadlines. It is made when the first connection is added and stopped by the
// first sweep that finds none, not each time the last connection leaves: a server answering
// one request per connection would otherwise make and clear a timer over and over.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "../../src/http/connection.js";
import { ConnectionRegistry } from "../../src/http/registry.js";

/** What the registry touches of a connection: its links, deadline and expire(). */
function fakeConnection(deadline = 0): Connection & { expired: number } {
  const c = {
    liveNext: null,
    livePrevious: null,
    deadline,
    expired: 0,
    expire(): void {
      c.expired++;
      c.deadline = 0;
    },
  };
  return c as unknown as Connection & { expired: number };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("ConnectionRegistry's sweep timer", () => {
  it("is kept while connections come and go, and stopped by the first sweep that finds none", () => {
    const registry = new ConnectionRegistry(0.1); // sweeps every 25 ms
    expect(vi.getTimerCount()).toBe(0);
    const a = fakeConnection();
    registry.add(a);
    expect(vi.getTimerCount()).toBe(1);
    registry.delete(a);
    expect(registry.size).toBe(0);
    // Still there: a connection added now reuses it.
    expect(vi.getTimerCount()).toBe(1);
    for (let i = 0; i < 100; i++) {
      const c = fakeConnection();
      registry.add(c);
      registry.delete(c);
    }
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(25);
    expect(vi.getTimerCount()).toBe(0);
    // Made again for the next connection, and its deadline is swept.
    const late = fakeConnection(Date.now() + 30);
    registry.add(late);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(late.expired).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    registry.delete(late);
    vi.advanceTimersByTime(25);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sweeps only the connections still registered", () => {
    const registry = new ConnectionRegistry(0.1);
    const gone = fakeConnection(Date.now() + 10);
    const kept = fakeConnection(Date.now() + 10);
    registry.add(gone);
    registry.add(kept);
    registry.delete(gone);
    vi.advanceTimersByTime(25);
    expect(gone.expired).toBe(0);
    expect(kept.expired).toBe(1);
    registry.delete(kept);
    vi.advanceTimersByTime(25);
    expect(vi.getTimerCount()).toBe(0);
  });
});
