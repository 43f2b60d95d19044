// socketserver's public surface (Lib/socketserver.py): servers, handlers, and the errors the
// socket layer raises. The http layer (src/http) builds on it.

export { BaseServer, type RequestHandlerClass } from "./base-server.js";
export { TCPServer } from "./tcp-server.js";
export {
  BaseRequestHandler, StreamRequestHandler, type Address, type ReadableFile, type WritableFile,
} from "./request-handler.js";
export { BrokenPipeError, ConnectionResetError, TimeoutError } from "./errors.js";
