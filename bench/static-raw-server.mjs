// The limit of bench/static.bench.ts's 1 KB case: a raw node:net server answering one request per
// connection with a file read once at start (a head the size of basehttp's, then the bytes, then
// close), as issue 8 measured it. No log: it stands for the machine, not for a server.
import { readFileSync } from "node:fs";
import net from "node:net";

const [port, file] = process.argv.slice(2);
const body = readFileSync(file);
const head = (date) =>
  `HTTP/1.0 200 OK\r\nServer: raw\r\nDate: ${date}\r\nContent-type: application/octet-stream\r\n` +
  `Content-Length: ${body.length}\r\n\r\n`;
net.createServer((socket) => {
  socket.setNoDelay(true);
  let seen = "";
  socket.on("data", (chunk) => {
    seen += chunk.toString("latin1");
    if (!seen.includes("\r\n\r\n")) return;
    socket.end(Buffer.concat([Buffer.from(head(new Date().toUTCString()), "latin1"), body]));
  });
  socket.on("error", () => {});
}).listen(Number(port), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
