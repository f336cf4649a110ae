"""`python -m bench`: every benchmark, one after the other, figures printed as Markdown."""

from __future__ import annotations

import sys

from bench import (
    ack_cpu,
    delivery,
    faults,
    footprint,
    installs,
    latency,
    noise,
    report,
    sweep_scale,
    sweep_teams,
)

if __name__ == "__main__":
    print("## Request latency\n")
    sys.argv = [sys.argv[0]]
    latency.main()
    print("\n## CPU before the ack\n")
    ack_cpu.main()
    print("\n## Sweep scaling\n")
    sys.argv = [sys.argv[0], "--sizes", "1000", "10000"]
    sweep_scale.main()
    print("\n## A sweep over many workspaces\n")
    sys.argv = [sys.argv[0]]
    sweep_teams.main()
    print("\n## Delivery under Slack's rate limits\n")
    delivery.main()
    print("\n## Exactly once, with faults\n")
    faults.main()
    print("\n## Footprint of serve\n")
    footprint.main()
    print("\n## Noise over four weeks\n")
    noise.main()
    print("\n## /poc report over a big quarter\n")
    report.main()
    print("\n## OAuth installs\n")
    installs.main()
