"""Fault tests (docs/performance.md, "Reliability"): a worker killed with SIGKILL,
Redis restarted under connected screens, PostgreSQL briefly unreachable. A printer
going away and coming back is tests/printers/test_dispatcher.py
(test_printer_off_then_on_the_job_waits_is_retried_and_prints_once)."""
