# CPython's ThreadingHTTPServer with the hello-world handler of bench/server-child.ts, for
# bench/server.bench.ts: HTTP/1.1 keep-alive, no per-request log line (as the other servers).
# The listen backlog is raised from socketserver's 5 to 128, as the Node servers' 511 would
# otherwise be compared with SYN drops. Prints "PORT <n> PARSER cpython"; runs until killed.
import http.server

BODY = b"Hello, world!"


class Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(BODY)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # wrk closes its connections mid-request when a run ends; socketserver would print a
        # traceback for each reset. The Node servers drop them silently, so does this one.
        pass


httpd = Server(("127.0.0.1", 0), Hello)
print(f"PORT {httpd.server_address[1]} PARSER cpython", flush=True)
httpd.serve_forever()
