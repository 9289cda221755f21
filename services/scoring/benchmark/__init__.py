"""Benchmark-only endpoints, mounted only when ``EQUITAS_BENCHMARK_ENDPOINTS`` is true."""
