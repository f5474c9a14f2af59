"""Benchmark harness: loopback Clientary server, raw baseline vs the runtime."""
