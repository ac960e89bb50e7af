#!/usr/bin/env python3
"""What a person waits for when saving one answer in the browser: the form's POST, the redirect
and the requirement page it leads to (whose result is then computed afresh, since the answer
changed it), as the browser does them, over one keep-alive connection.

Usage: python3 bench/browser-save.py BASE_URL SESSION_COOKIE ASSESSMENT_ID REQUIREMENT [SAVES]

Each save reads the page first (for the form's CSRF token and the answer's version, as the
browser has them when the person clicks Save; not timed), then times the POST plus the page the
redirect leads to. Prints the median and p90 of the saves in milliseconds, and the median of the
POST alone. Standard library only. bench/server-load.sh's seed gives the cookie and ids
(`SAVE_BENCH=1 bash bench/server-load.sh` runs it after the load phases).
"""
import http.client
import re
import statistics
import sys
import time
import urllib.parse


def main() -> None:
    base, cookie, assessment, requirement = sys.argv[1:5]
    saves = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Cookie": f"aimsgap_session={cookie}"}
    path = f"/assessments/{assessment}/requirements/{requirement}"

    def get(target: str) -> str:
        conn.request("GET", target, headers=headers)
        reply = conn.getresponse()
        body = reply.read().decode()
        if reply.status != 200:
            sys.exit(f"GET {target}: {reply.status}")
        return body

    totals, posts = [], []
    for i in range(saves):
        page = get(path)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        version = re.search(r'name="version" value="(-?\d+)"', page)
        if not csrf or not version:
            sys.exit("the requirement page has no answer form (csrf and version fields)")
        body = urllib.parse.urlencode(
            {
                "csrf": csrf.group(1),
                "version": version.group(1),
                "status": "partial" if i % 2 else "implemented",
                "maturity": "",
                "owner": "",
                "justification": "",
                "notes": f"save {i}",
            }
        )
        start = time.perf_counter()
        conn.request(
            "POST",
            path,
            body=body,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        reply = conn.getresponse()
        reply.read()
        posted = time.perf_counter()
        if reply.status != 303:
            sys.exit(f"POST {path}: {reply.status}, expected 303")
        get(reply.getheader("Location"))
        done = time.perf_counter()
        posts.append((posted - start) * 1000)
        totals.append((done - start) * 1000)
    totals.sort()
    p90 = totals[int(len(totals) * 0.9) - 1]
    print(
        f"browser save ({saves} saves): median {statistics.median(totals):.2f} ms, "
        f"p90 {p90:.2f} ms; the POST alone median {statistics.median(posts):.2f} ms"
    )


if __name__ == "__main__":
    main()
