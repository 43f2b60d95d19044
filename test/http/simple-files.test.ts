// src/http/simple/files.ts on a temporary directory: files are read a chunk at a time and only
// when the previous chunk was taken (never whole), ranges and shrinking files, containment of
// symbolic links, and the names the file system cannot take.

import { mkdir, mkdtemp, open, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK_SIZE, FileSource, listEntries, locate, toFsPath } from "../../src/http/simple/files.js";

let dir: string;
const SIZE = CHUNK_SIZE * 3 + 100;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "basehttp-files-"));
  const data = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) data[i] = i & 0xff;
  await writeFile(join(dir, "data.bin"), data);
  await mkdir(join(dir, "sub"));
  await symlink(join(dir, "sub"), join(dir, "sub-link"));
  await symlink("/", join(dir, "root-link"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("FileSource", () => {
  it("reads one chunk per pull, never ahead", async () => {
    const handle = await open(join(dir, "data.bin"));
    let reads = 0;
    const read = handle.read.bind(handle);
    (handle as { read: unknown }).read = (...args: Parameters<typeof read>) => {
      reads++;
      return read(...args);
    };
    const source = new FileSource(handle, 0, SIZE - 1);
    const it = source[Symbol.asyncIterator]();
    expect(reads).toBe(0);
    const first = await it.next();
    expect(first.value!.length).toBe(CHUNK_SIZE);
    expect(reads).toBe(1);
    const second = await it.next();
    expect(second.value![0]).toBe(CHUNK_SIZE & 0xff);
    expect(reads).toBe(2);
    await source.close();
  });

  it("yields exactly the bytes [start, end]", async () => {
    const source = new FileSource(await open(join(dir, "data.bin")), 1000, CHUNK_SIZE + 1999);
    const chunks: Uint8Array[] = [];
    for await (const c of source) chunks.push(c);
    await source.close();
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(CHUNK_SIZE + 1000);
    expect(all[0]).toBe(1000 & 0xff);
    expect(chunks.every((c) => c.length <= CHUNK_SIZE)).toBe(true);
    expect(source.truncated).toBe(false);
  });

  it("reports a file that shrank while being sent", async () => {
    const path = join(dir, "shrinks.bin");
    await writeFile(path, Buffer.alloc(1000, 1));
    const source = new FileSource(await open(path), 0, 999);
    await truncate(path, 10);
    let n = 0;
    for await (const c of source) n += c.length;
    await source.close();
    expect(n).toBe(10);
    expect(source.truncated).toBe(true);
  });
});

describe("locate", () => {
  it("finds files and directories inside, through links that stay inside", async () => {
    expect((await locate(join(dir, "data.bin"), dir))?.stats.size).toBe(SIZE);
    expect((await locate(join(dir, "sub-link"), dir))?.stats.isDirectory()).toBe(true);
    expect((await locate(dir + "/", dir))?.stats.isDirectory()).toBe(true);
  });

  it("refuses what a link leads to outside, what is missing, and a file with a trailing slash", async () => {
    expect(await locate(join(dir, "root-link"), dir)).toBeNull();
    expect(await locate(join(dir, "root-link", "etc"), dir)).toBeNull();
    expect(await locate(join(dir, "missing"), dir)).toBeNull();
    expect(await locate(join(dir, "data.bin") + "/", dir)).toBeNull();
  });

  it("refuses names no file can have", async () => {
    expect(toFsPath("a\0b")).toBeNull();
    expect(toFsPath("a\ud800b")).toBeNull();
    expect(toFsPath("caf\u00e9")).toBe("caf\u00e9");
    expect(toFsPath("x\udcff")).toEqual(Buffer.from([0x78, 0xff]));
    expect(await locate(join(dir, "a\0"), dir)).toBeNull();
  });
});

describe("listEntries", () => {
  it("says which entries are directories (links followed) and which are links", async () => {
    const entries = await listEntries(dir);
    const byName = Object.fromEntries(entries.map((e) => [e.name, [e.isDir, e.isLink]]));
    expect(byName["data.bin"]).toEqual([false, false]);
    expect(byName["sub"]).toEqual([true, false]);
    expect(byName["sub-link"]).toEqual([true, true]);
    expect(byName["root-link"]).toEqual([true, true]);
  });

  it("throws for what is not a readable directory", async () => {
    await expect(listEntries(join(dir, "data.bin"))).rejects.toThrow();
    await expect(listEntries(join(dir, "nope"))).rejects.toThrow();
  });

  it("throws for a path no file can be named (NUL, a lone surrogate that is no fsencoded byte)", async () => {
    await expect(listEntries(`${dir}\0`)).rejects.toThrow(/cannot name/);
    await expect(listEntries(`${dir}/\ud800`)).rejects.toThrow(/cannot name/);
  });
});
