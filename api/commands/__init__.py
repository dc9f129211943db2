"""Sub-commands of the `portineria` command line, one module per group."""
