"""Is this fundtrack alive and ready? For load balancers (`/healthz`, `/readyz`) and for the
operator (`flask doctor`). The checks live in `checks.py`; both ask the same ones."""
