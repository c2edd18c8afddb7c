"""hello-agent: a small HTTP service to deploy with VM Routes. Standard library only."""
import json
import os
import socket
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
GREETING = os.environ.get("GREETING", "hello from hello-agent")
STARTED_AT = datetime.now(timezone.utc)
MAX_BODY = 64 * 1024

served = 0
served_lock = threading.Lock()


def now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Agent(BaseHTTPRequestHandler):
    server_version = "hello-agent"

    def do_GET(self):
        if self.path == "/health":
            self.answer(200, {"status": "ok"})
        elif self.path == "/":
            self.answer(200, {
                "message": GREETING,
                "host": socket.gethostname(),
                "started_at": STARTED_AT.isoformat(timespec="seconds"),
                "requests_served": count(),
            })
        else:
            self.answer(404, {"detail": f"no route {self.path}; try /, /health or POST /echo"})

    def do_POST(self):
        if self.path != "/echo":
            self.answer(404, {"detail": f"no route {self.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.answer(413, {"detail": f"body larger than {MAX_BODY} bytes"})
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        self.answer(200, {"echo": body, "length": len(body)})

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        # One line per request on stdout, which is what the logs route shows.
        print(f"{now()} {self.address_string()} {fmt % args}", flush=True)


def count():
    global served
    with served_lock:
        served += 1
        return served


if __name__ == "__main__":
    print(f"{now()} hello-agent listening on port {PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Agent).serve_forever()
