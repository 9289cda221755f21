"""``make load``: a realistic mix of what staff, EPRs and analysts do, from 200 concurrent
users for 2 minutes, against the whole system on 127.0.0.1 (issue 23, decision 0041).

- ``world``: the stack on free ports with databases of its own, the people, teams and
  assessments the users work on, and every token, all made before the run;
- ``swarm``: the users (locust, headless, through its library API) in a child process of
  their own (gevent must patch the standard library before anything else is imported);
- ``figures``: count, errors and p50/p95/p99 per operation (pure);
- ``__main__``: runs the three and writes ``var/bench/load.json``.

Not ``benchmarks/load``: that name is the closed-loop load driver (``benchmarks/load.py``).
"""
