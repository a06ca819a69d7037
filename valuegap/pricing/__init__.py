"""Price research, the churn model and what-if scenarios, and their charts."""
