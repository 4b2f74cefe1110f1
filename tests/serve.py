"""`make serve`: the built site on a local port, as the host serves it when deployed.

The site is served under its base path (``/book/`` for https://…github.io/book/), so absolute
links such as the 404 page's styles work exactly as they will online; ``/`` redirects there;
a missing page gets the book's own 404 page, as GitHub Pages does.

    python tests/serve.py [--host 127.0.0.1] [--port 8000] [SITE]
"""

from __future__ import annotations

import argparse
import http.server
import socketserver
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checks import SiteHandler  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def base_path() -> str:
    base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["baseurl"]
    path = "/" + base.split("/", 3)[3] if base.count("/") >= 3 else "/"
    return path if path.endswith("/") else path + "/"


class LocalHandler(SiteHandler):
    def log_message(self, format, *args):
        sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def send_head(self):
        if self.prefix != "/" and not self.path.startswith(self.prefix):
            self.send_response(302)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return None
        return super().send_head()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "dirhtml"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    prefix = base_path()
    handler = type("Handler", (LocalHandler,), {"prefix": prefix, "use_gzip": True})
    site = args.site

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    with Server((args.host, args.port), lambda *a, **k: handler(*a, directory=site, **k)) as httpd:
        print(f"Serving on http://{args.host}:{args.port}{prefix} (Ctrl-C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
