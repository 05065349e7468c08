"""The demo: `seed` creates a commune People's Committee with its people, a prepared meeting
and its own certificate authority; `documents` generates the PDFs it (and the tests) use."""

from meetings.demo.seed import DEMO_PASSWORD, Demo, seed

__all__ = ["DEMO_PASSWORD", "Demo", "seed"]
