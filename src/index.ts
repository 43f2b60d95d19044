// The public entry of basehttp: the names of ../shared/spec/API.md and nothing else.
// Importing it instantiates the WebAssembly tokenizer synchronously (src/tokenizer/wasm.ts).

export { BaseServer, TCPServer, BaseRequestHandler, StreamRequestHandler } from "./socketserver/index.js";
export type { RequestHandlerClass } from "./socketserver/index.js";
export type { Address, ReadableFile, WritableFile } from "./socketserver/request-handler.js";
export { HTTPServer, ThreadingHTTPServer } from "./http/server.js";
export type { HTTPServerOptions } from "./http/server.js";
export { BaseHTTPRequestHandler } from "./http/handler.js";
export { HTTPSServer, ThreadingHTTPSServer } from "./http/https-server.js";
export type { HTTPSServerOptions, TLSPassword } from "./http/https-server.js";
export { SimpleHTTPRequestHandler } from "./http/simple-handler.js";
export type { SimpleHTTPRequestHandlerOptions } from "./http/simple-handler.js";
export { CGIHTTPRequestHandler } from "./http/cgi-handler.js";
export { HTTPMessage } from "./http/message.js";
export { HTTPStatus, responses } from "./http/status.js";
export type { ParserName, Tokenizer } from "./contract/tokenizer.js";
