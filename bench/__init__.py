"""labbot's benchmarks: data at scale, core latency, HTTP, broadcast and memory (`python -m bench all`)."""
