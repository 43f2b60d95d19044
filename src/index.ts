/// <reference types="node" preserve="true" />
/// <reference lib="esnext.disposable" preserve="true" />
// The public entry of basehttp: the server's public names (docs/API.md documents each), and the
// types their signatures use. The tokenizer has its own entries (src/tokenizer/index.ts,
// js-index.ts).
// Importing it compiles the WebAssembly tokenizer synchronously (src/tokenizer/wasm-loader.ts);
// an HTTPServer with the default parser instantiates it (src/tokenizer/select.ts).

export { BaseServer, TCPServer, BaseRequestHandler, StreamRequestHandler } from "./socketserver/index.js";
export { BrokenPipeError, ConnectionResetError, TimeoutError } from "./socketserver/index.js";
export type { RequestHandlerClass } from "./socketserver/index.js";
export type { Address, ReadableFile, WritableFile } from "./socketserver/index.js";
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
// Types that appear in the public signatures above, importable by name (`import type { ... }`).
export type { RequestBody } from "./http/body.js";
export type { SocketWriter } from "./socketserver/socket-writer.js";
export type { ResponseSource } from "./http/simple/files.js";
export type { MessageClass } from "./http/request-fields.js";
export type { ConnectionLimits } from "./http/connection.js";
export type { ConnectionRegistry } from "./http/registry.js";
