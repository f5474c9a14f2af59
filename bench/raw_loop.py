"""Baseline: a raw requests.Session loop over every page, parsing JSON and counting records."""

from __future__ import annotations

import argparse
import json
import resource
import time

import requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base_url", help="scheme, host and port, e.g. http://127.0.0.1:8080")
    parser.add_argument("--pages", type=int, default=0, help="read at most this many (0: all)")
    options = parser.parse_args()
    url = f"{options.base_url}/api/v2/clients"
    started = time.perf_counter()
    session = requests.Session()
    session.trust_env = False
    session.auth = ("bench-token", "bench-token")
    session.headers["Accept"] = "application/json"
    records = 0
    page = 1
    while True:
        response = session.get(url, params={"page": str(page)}, timeout=(10, 30))
        response.raise_for_status()
        body = response.json()
        records += len(body["clients"])
        if page >= int(body["page_count"]) or page == options.pages or not body["clients"]:
            break
        page += 1
    session.close()
    elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"records": records, "pages": page, "read_seconds": elapsed, "maxrss_kib": rss})
    )


if __name__ == "__main__":
    main()
