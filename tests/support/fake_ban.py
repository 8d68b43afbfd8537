"""A local stand-in for the BAN batch geocoder (POST /search/csv/), answering like the real
service: the uploaded CSV with latitude, longitude, result_score, result_type and
result_citycode appended. Known addresses come from the test; others score 0."""
from __future__ import annotations

import csv
import io
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeBan:
    def __init__(self, known: dict[str, tuple[float, float, str, str]] | None = None, status: int = 200,
                 trickle: float = 0.0):
        # address (lower-case) → (lon, lat, result_type, citycode)
        self.known = {k.lower(): v for k, v in (known or {}).items()}
        self.status = status
        self.trickle = trickle  # seconds between the bytes of the answer: a server that drips it
        self.requests: list[dict] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                message = BytesParser(policy=HTTP).parsebytes(
                    b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body
                )
                parts = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                         for part in message.iter_parts()}
                rows = list(csv.DictReader(io.StringIO(parts["data"].decode("utf-8")))) if "data" in parts else []
                fake.requests.append({"path": self.path, "fields": sorted(parts), "rows": rows})
                if self.path != "/search/csv/" or fake.status != 200 or "data" not in parts:
                    self.send_response(fake.status if fake.status != 200 else 400)
                    self.end_headers()
                    return
                out = io.StringIO()
                columns = list(rows[0].keys()) if rows else ["key", "address"]
                writer = csv.DictWriter(out, columns + ["latitude", "longitude", "result_score", "result_type",
                                                        "result_citycode"])
                writer.writeheader()
                for row in rows:
                    hit = fake.known.get(row.get("address", "").lower())
                    extra = ({"latitude": hit[1], "longitude": hit[0], "result_score": 0.93,
                              "result_type": hit[2], "result_citycode": hit[3]} if hit else
                             {"latitude": "", "longitude": "", "result_score": "", "result_type": "",
                              "result_citycode": ""})
                    writer.writerow({**row, **extra})
                payload = out.getvalue().encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if not fake.trickle:
                    self.wfile.write(payload)
                    return
                try:
                    for byte in payload:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(fake.trickle)
                except OSError:
                    pass  # the client gave up

        return Handler
