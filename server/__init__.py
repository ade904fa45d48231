"""The composition root: records, the command line and (later) the web server build on agent and knowledge."""
