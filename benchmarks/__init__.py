"""Benchmarks of the whole running system (``make bench``); results in ``var/bench/*.json``.

See ``docs/benchmarks.md``. Each benchmark is a module with a ``run(context)`` function,
registered in ``benchmarks/__main__.py``; ``harness`` starts the stack and logs users in,
``load`` drives HTTP load (``wrk``, or a lean asyncio client) and measures latency.
"""
