// The limit of bench/static.bench.ts: a raw node:net server answering one request per
// connection with files read once at start (a head the size of basehttp's, then the bytes in
// the same write, then close), as issue 8 measured it. Serves each file named on the command
// line by its base name (GET /1k.bin). No log: it stands for the machine, not for a server.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import net from "node:net";

const [port, ...files] = process.argv.slice(2);
const bodies = new Map(files.map((f) => [`/${basename(f)}`, readFileSync(f)]));
const head = (date, length) =>
  `HTTP/1.0 200 OK\r\nServer: raw\r\nDate: ${date}\r\nContent-type: application/octet-stream\r\n` +
  `Content-Length: ${length}\r\n\r\n`;
net.createServer((socket) => {
  socket.setNoDelay(true);
  let seen = "";
  socket.on("data", (chunk) => {
    seen += chunk.toString("latin1");
    if (!seen.includes("\r\n\r\n")) return;
    const path = seen.slice(seen.indexOf(" ") + 1, seen.indexOf(" ", seen.indexOf(" ") + 1));
    const body = bodies.get(path);
    if (body === undefined) return void socket.end("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    const h = head(new Date().toUTCString(), body.length);
    // A small file: one buffer (as issue 8 measured the 1 KB limit). A large one: head and body
    // in one writev (cork), the body not copied.
    if (body.length < 65536) return void socket.end(Buffer.concat([Buffer.from(h, "latin1"), body]));
    socket.cork();
    socket.write(h, "latin1");
    socket.end(body);
    socket.uncork();
  });
  socket.on("error", () => {});
}).listen(Number(port), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
