"""The escalation rules, one module each; every module in this folder registers its rule on import.

Adding a rule touches its own module here and the policy YAML: the registry (``registry.py``) finds
the module, the policy file's schema gains the rule's section, and the policy evaluates it in its
precedence order (docs/policy.md).
"""
