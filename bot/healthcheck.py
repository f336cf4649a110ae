"""`python -m bot.healthcheck`: exit 0 when this container's /healthz answers ok.

The Dockerfile's HEALTHCHECK runs it every 30 s. The slim image has no curl, and a probe
should not import the bot: standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request

#: Seconds to wait for /healthz, which answers within 2 s whatever the database does.
TIMEOUT_S = 3.0


def healthy(port: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT_S) as r:
            return json.load(r).get("ok") is True, f"HTTP {r.status}"
    except (OSError, ValueError) as e:  # HTTPError (503) and URLError are OSErrors
        return False, str(e)


def main() -> int:
    ok, said = healthy(os.environ.get("PORT", "3000"))
    if not ok:
        print(f"pocbot healthcheck: {said}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
