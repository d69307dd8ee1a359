"""KumoMTA's policy-extras helpers, written once: data grammars, merging, resolution.

Used by the checker (to judge a policy's data files) and by the compiled runtime (to
resolve queues, sources and egress paths offline). Pure Python: no parser, no jinja2.
"""
