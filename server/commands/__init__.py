"""One module per `tideline` command group; each exposes ``register(subparsers)``."""
