"""The KumoMTA API schema loaded from rules/ and the validator that applies it."""
