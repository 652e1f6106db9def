"""Demo data: a believable network for a newcomer's first screen (`flask demo`)."""

from fundtrack.demo.build import DemoRefused, DemoResult, build_demo, demo_logins

__all__ = ["DemoRefused", "DemoResult", "build_demo", "demo_logins"]
